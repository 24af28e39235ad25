package dev.nitelog.sink.file;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.RecordText;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.Utf8Buffer;
import dev.nitelog.sink.WriteReach;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Appends records as lines (JSON or text) to files named by a path template, e.g. one file per
 * job. Files rotate by size and by UTC day, rotated files are optionally gzipped and pruned, and
 * at most {@code max-open-files} stay open (least recently written closed first).
 *
 * <p>Durability follows {@link FsyncPolicy}: with {@code interval} every file written since the
 * last flush is synced in {@link #flush()}, just before its records are confirmed, so a committed
 * cursor never runs ahead of the bytes on disk. A failed write throws
 * {@link RetriableSinkException} naming the file; the batch is sent again, so lines written before
 * the failure appear twice, but none is lost.
 */
public final class FileSink implements Sink {
    private static final Logger LOG = Logger.getLogger(FileSink.class);
    private static final int FILE_BUFFER = 16 * 1024;

    private final String name;
    private final OutputFormat format;
    private final PathTemplate template;
    private final FileSinkSettings settings;
    private final Syncer syncer;
    private final Utf8Buffer line = new Utf8Buffer(4096);
    /** Open files in access order: the first is the least recently written. */
    private final LinkedHashMap<Path, OpenFile> open = new LinkedHashMap<>(16, 0.75f, true);
    private Path lastPath;      // the path of the last record written, and its file
    private OpenFile lastFile;
    /** Directories with entries created or renamed since their last sync. */
    private final Set<Path> unsyncedDirs = new LinkedHashSet<>();
    private final ExecutorService housekeeper;

    FileSink(String name, OutputFormat format, PathTemplate template, FileSinkSettings settings, Syncer syncer) {
        this.name = name;
        this.format = format;
        this.template = template;
        this.settings = settings;
        this.syncer = syncer;
        this.housekeeper = settings.compress() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nitelog-file-gzip-" + name);
            t.setDaemon(true);
            return t;
        }) : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SinkHealth check() {
        Path base = template.base();
        try {
            Fs.createDirectories(base, dir -> { });
            if (!Files.isDirectory(base)) {
                return SinkHealth.down(base + " is not a directory");
            }
            if (!Files.isWritable(base)) {
                return SinkHealth.down(base + " is not writable");
            }
            if (Files.getFileStore(base).getUsableSpace() == 0) {
                return SinkHealth.down("no space left on the file system of " + base);
            }
            return SinkHealth.up("writing to " + base);
        } catch (IOException | RuntimeException e) {
            return SinkHealth.down("cannot create or use " + base + ": " + e);
        }
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        Path current = null;
        try {
            for (LogRecord record : batch.records()) {
                current = template.resolve(record);
                if (current == null) {
                    batch.deadLetters().reject(record, "the path template " + template.template()
                            + " puts this record outside " + template.base());
                    continue;
                }
                writeLine(current, record);
            }
            if (settings.fsync() == FsyncPolicy.ALWAYS) {
                syncAll();
            } else {
                pushAll(); // what a write returned for must outlive a kill of this process (writeReach)
            }
        } catch (IOException e) {
            throw failed(current, e);
        } finally {
            line.trim(1024 * 1024); // a huge message should not pin its buffer for ever
        }
    }

    private void writeLine(Path path, LogRecord record) throws IOException {
        line.reset();
        if (format == OutputFormat.TEXT) {
            RecordText.append(record, line);
        } else {
            RecordJson.append(record, line);
        }
        line.appendByte('\n');
        long day = PathTemplate.epochDay(record);
        OpenFile file = fileFor(path);
        if (needsRotation(file, day, line.size())) {
            file = rotate(file);
        }
        file.append(line.array(), 0, line.size(), day);
    }

    private OpenFile fileFor(Path path) throws IOException {
        // a batch's records mostly share a path (the template hands out the same Path object):
        // skip the map, whose access order the first look-up of the run already refreshed
        if (path == lastPath && lastFile.isOpen()) {
            return lastFile;
        }
        OpenFile file = open.get(path);
        if (file == null) {
            file = openNew(path);
        }
        lastPath = path;
        lastFile = file;
        return file;
    }

    private OpenFile openNew(Path path) throws IOException {
        while (open.size() >= settings.maxOpenFiles()) {
            evictEldest();
        }
        Fs.createDirectories(path.getParent(), unsyncedDirs::add);
        OpenFile file = OpenFile.open(path, FILE_BUFFER, unsyncedDirs::add);
        open.put(path, file);
        return file;
    }

    private void evictEldest() throws IOException {
        Iterator<OpenFile> eldest = open.values().iterator();
        OpenFile file = eldest.next();
        eldest.remove();
        LOG.tracef("Sink %s closes %s (more than %d open files)", name, file.path, settings.maxOpenFiles());
        try {
            closeDurably(file);
        } catch (IOException e) {
            throw new IOException("closing " + file.path + ": " + e.getMessage(), e);
        }
    }

    private boolean needsRotation(OpenFile file, long recordDay, int length) {
        if (file.size() == 0) {
            return false;
        }
        boolean full = file.size() + length > settings.maxSize();
        boolean nextDay = !template.hasDate() && file.day() != OpenFile.UNKNOWN_DAY && recordDay > file.day();
        return full || nextDay;
    }

    /** Renames the full (or yesterday's) file aside and opens a fresh one at the same path. */
    private OpenFile rotate(OpenFile file) throws IOException {
        Path path = file.path;
        open.remove(path);
        closeDurably(file);
        RotatedFiles rotated = new RotatedFiles(path);
        Path target = rotated.nextName(file.day());
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        unsyncedDirs.add(path.getParent());
        LOG.debugf("Sink %s rotated %s to %s", name, path, target.getFileName());
        if (housekeeper != null) {
            housekeeper.execute(() -> compressAndPrune(rotated));
        } else {
            rotated.prune(settings.maxFiles());
        }
        OpenFile fresh = OpenFile.open(path, FILE_BUFFER, unsyncedDirs::add);
        open.put(path, fresh);
        return fresh;
    }

    private void compressAndPrune(RotatedFiles rotated) {
        try {
            rotated.compressAll();
            rotated.prune(settings.maxFiles());
        } catch (IOException | RuntimeException e) {
            // the uncompressed file stays; the next rotation of this path tries again
            LOG.warnf("Sink %s could not compress rotated files: %s", name, e.toString());
        }
    }

    /** Pushes, syncs unless the policy is never, and closes. */
    private void closeDurably(OpenFile file) throws IOException {
        try {
            if (settings.fsync() == FsyncPolicy.NEVER) {
                file.push();
            } else {
                file.sync(syncer);
            }
        } finally {
            file.close();
        }
    }

    @Override
    public void flush() throws SinkException {
        Path current = null;
        try {
            List<Path> vanished = new ArrayList<>();
            for (OpenFile file : open.values()) {
                current = file.path;
                if (settings.fsync() == FsyncPolicy.NEVER) {
                    file.push();
                } else {
                    file.sync(syncer);
                }
                if (!file.stillAtPath()) {
                    vanished.add(file.path);
                }
            }
            current = null;
            if (settings.fsync() != FsyncPolicy.NEVER) {
                syncDirectories();
            }
            if (!vanished.isEmpty()) {
                vanished.forEach(path -> open.remove(path).abandon());
                throw new RetriableSinkException("file sink " + name + ": " + vanished.get(0)
                        + " was moved or deleted while open; writing the records since the last flush again");
            }
        } catch (IOException e) {
            throw failed(current, e);
        }
    }

    /** With {@code fsync: always} a write is on disk; otherwise it is in the page cache. */
    @Override
    public WriteReach writeReach() {
        return settings.fsync() == FsyncPolicy.ALWAYS ? WriteReach.DESTINATION : WriteReach.HOST;
    }

    /**
     * Syncs every file under the base directory modified since {@code since} (less a minute, for
     * the coarse and adjustable clock behind modification times), and their directories. With
     * {@code fsync: never} nothing is synced, as a flush would not either.
     */
    @Override
    public boolean syncEarlierWrites(Instant since) throws SinkException {
        if (settings.fsync() == FsyncPolicy.NEVER || !Files.isDirectory(template.base())) {
            return true;
        }
        FileTime from = FileTime.from(since.minus(Duration.ofMinutes(1)));
        Set<Path> dirs = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(template.base())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(from) >= 0) {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                        syncer.sync(channel);
                    }
                    dirs.add(file.getParent());
                }
            }
            for (Path dir : dirs) {
                Fs.syncDirectory(dir);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            throw new SinkException("file sink " + name + " cannot sync what an earlier process wrote under "
                    + template.base() + ": " + e, e);
        }
    }

    private void pushAll() throws IOException {
        for (OpenFile file : open.values()) {
            file.push();
        }
    }

    private void syncAll() throws IOException {
        for (OpenFile file : open.values()) {
            file.sync(syncer);
        }
        syncDirectories();
    }

    private void syncDirectories() throws IOException {
        for (Iterator<Path> dirs = unsyncedDirs.iterator(); dirs.hasNext(); ) {
            Fs.syncDirectory(dirs.next());
            dirs.remove();
        }
    }

    /** Drops the failed file (its unsynced bytes are sent again) and names it in the exception. */
    private RetriableSinkException failed(Path path, IOException e) {
        if (path != null) {
            OpenFile file = open.remove(path);
            if (file != null) {
                file.abandon();
            }
        }
        String where = path != null ? path.toString() : template.base().toString();
        return new RetriableSinkException("file sink " + name + " cannot write " + where + ": " + e, e);
    }

    @Override
    public void close() {
        for (OpenFile file : open.values()) {
            try {
                closeDurably(file);
            } catch (IOException e) {
                LOG.warnf("Sink %s could not close %s: %s", name, file.path, e.toString());
                file.abandon();
            }
        }
        open.clear();
        if (housekeeper != null) {
            housekeeper.shutdown();
            try {
                if (!housekeeper.awaitTermination(30, TimeUnit.SECONDS)) {
                    housekeeper.shutdownNow(); // an interrupted gzip leaves the original: finished later
                }
            } catch (InterruptedException e) {
                housekeeper.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests: waits until rotated files queued for compression are compressed and pruned. */
    void awaitHousekeeping() throws Exception {
        if (housekeeper != null) {
            housekeeper.submit(() -> { }).get(60, TimeUnit.SECONDS);
        }
    }

    /** Files currently open, for tests. */
    int openFiles() {
        return open.size();
    }
}
