package dev.nitelog.sink;

import dev.nitelog.record.LogRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Keeps records that a sink rejected for good, one JSON line each:
 * {@code {"time","sink","reason","record":{canonical record}}}, in {@code <dir>/<sink>.jsonl}.
 * Each line is synced before the sink's batch counts as delivered, so a dead letter is never lost.
 * A file is rotated once it passes {@code fileBytes}: {@code <sink>.jsonl.1} is the newest rotated
 * file, {@code .2} the one before, and so on.
 *
 * <p>Nothing is ever deleted: a sink's files together hold at most {@code totalBytes}
 * ({@code nitelog.dead-letter.max-bytes}). A dead letter that would pass it is refused with a
 * {@link RetriableSinkException}, so the sink's batch fails, its cursor stays where it was and the
 * sink lags (and says so) until an operator moves the files away or raises the limit; the total is
 * counted again from the directory before each refusal, so freeing space needs no restart.
 *
 * <p>The directory is made 0700 and the files 0600 whatever the umask (where the file system has
 * POSIX permissions); a directory or file there that is a symbolic link is refused, never followed.
 */
public final class DeadLetterFile {
    /** Defaults: 64 MiB per file, 1 GiB in all per sink. */
    public static final long DEFAULT_FILE_BYTES = 64L << 20;
    public static final long DEFAULT_TOTAL_BYTES = 1L << 30;
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final Clock clock;
    private final long fileBytes;
    private final long totalBytes;
    private final Map<String, Long> totals = new HashMap<>(); // sink -> bytes in its files
    private Boolean posix;

    public DeadLetterFile(Path dir, Clock clock) {
        this(dir, clock, DEFAULT_FILE_BYTES, DEFAULT_TOTAL_BYTES);
    }

    /** @param totalBytes the most a sink's dead-letter files may hold together; never exceeded, nothing deleted */
    public DeadLetterFile(Path dir, Clock clock, long totalBytes) {
        this(dir, clock, Math.min(DEFAULT_FILE_BYTES, totalBytes), totalBytes);
    }

    public DeadLetterFile(Path dir, Clock clock, long fileBytes, long totalBytes) {
        this.dir = dir;
        this.clock = clock;
        this.fileBytes = fileBytes;
        this.totalBytes = totalBytes;
    }

    /** The dead-letter channel of one sink. */
    public DeadLetters forSink(String sink) {
        Path file = dir.resolve(sink + ".jsonl");
        return (record, reason) -> append(file, sink, record, reason);
    }

    private synchronized void append(Path file, String sink, LogRecord record, String reason) throws SinkException {
        Utf8Buffer line = new Utf8Buffer(512 + record.approximateBytes());
        line.appendAscii("{\"time\":\"");
        Rfc3339.append(clock.instant(), line);
        line.appendAscii("\",\"sink\":");
        RecordJson.appendString(sink, line);
        line.appendAscii(",\"reason\":");
        RecordJson.appendString(reason, line);
        line.appendAscii(",\"record\":");
        RecordJson.append(record, line);
        line.appendAscii("}\n");
        try {
            ensureDirectory();
            if (Files.isSymbolicLink(file)) {
                throw new SinkException(file + " is a symbolic link; nitelog makes none and writes no dead letter"
                        + " through one: remove the link");
            }
            long total = totals.containsKey(sink) ? totals.get(sink) : bytesOf(sink);
            if (total + line.size() > totalBytes) {
                total = bytesOf(sink); // an operator may have moved files away since
                if (total + line.size() > totalBytes) {
                    totals.put(sink, total);
                    throw new RetriableSinkException("dead letters of sink " + sink + " have reached"
                            + " nitelog.dead-letter.max-bytes=" + totalBytes + " (" + total + " bytes in " + file
                            + "*): the sink retries and does not advance until you move those files away or raise"
                            + " nitelog.dead-letter.max-bytes");
                }
            }
            rotateIfFull(file);
            boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            try (FileChannel channel = FileChannel.open(file, Set.of(CREATE, WRITE, APPEND, LinkOption.NOFOLLOW_LINKS),
                    posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0])) {
                if (created && posix) {
                    Files.setPosixFilePermissions(file, FILE); // the umask may have masked the creation mode
                }
                ByteBuffer bytes = ByteBuffer.wrap(line.array(), 0, line.size());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
            totals.put(sink, total + line.size());
        } catch (IOException e) {
            totals.remove(sink); // count again: part of the line may be on disk
            throw new SinkException("cannot write dead letter to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates the directory owner-only, or checks it: a link there is refused. */
    private void ensureDirectory() throws IOException, SinkException {
        if (Files.isSymbolicLink(dir)) {
            throw new SinkException(dir + " is a symbolic link; nitelog makes no links in its state directory and"
                    + " does not follow one: remove the link");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
        }
        if (posix == null) {
            posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
            if (posix) {
                Files.setPosixFilePermissions(dir, DIR);
            }
        }
    }

    /** Bytes in {@code <sink>.jsonl} and its rotated files, links not followed (nor counted). */
    private long bytesOf(String sink) throws IOException {
        String base = sink + ".jsonl";
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if ((name.equals(base) || name.startsWith(base + ".") && isNumber(name.substring(base.length() + 1)))
                        && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(f);
                }
            }
        }
        return total;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /** Shifts every rotated file one up and the current one to {@code .1}; deletes nothing. */
    private void rotateIfFull(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) < fileBytes) {
            return;
        }
        int highest = 0;
        while (Files.exists(rotated(file, highest + 1), LinkOption.NOFOLLOW_LINKS)) {
            highest++;
        }
        for (int n = highest; n >= 1; n--) {
            Files.move(rotated(file, n), rotated(file, n + 1));
        }
        Files.move(file, rotated(file, 1));
    }

    private static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
