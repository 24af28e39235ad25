package dev.nitelog.cursor;

import dev.nitelog.config.NitelogConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Committed cursors as files: {@code <state dir>/jobs/<job>.ckpt}, one per job, in the
 * {@link CheckpointCodec} format. A file name is the job id reduced to {@code [A-Za-z0-9_-]} (at
 * most 64 characters) plus a hash of the full id, so no id can leave the directory or collide
 * with another; the id itself is stored inside.
 *
 * <p>Every write is atomic: a temporary file in the same directory, fsynced, renamed over the old
 * file ({@code ATOMIC_MOVE}), then the directory is fsynced once per save. A crash leaves either
 * the old or the new checkpoint, never a torn one; leftover temporary files are removed on load.
 * Temporary names carry the pid and a sequence number, and {@link #load()} (which removes leftovers)
 * is only called by a process holding the {@link StateDirLock}, so no process ever deletes another's
 * half-written checkpoint. Not for concurrent use by several threads beyond its own
 * synchronisation: one flusher calls it.
 *
 * <p>Directories are made 0700 and files 0600 whatever the umask (where the file system has POSIX
 * permissions). Nothing in the state directory that is a symbolic link is followed: a linked
 * {@code jobs} directory is refused at open, a linked checkpoint is set aside unread at load, and
 * a write replaces a link at its path by renaming a fresh file over it.
 */
public final class FileCheckpointStore implements CheckpointStore {

    private static final Logger LOG = Logger.getLogger(FileCheckpointStore.class);
    private static final String SUFFIX = ".ckpt";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();

    private final Path jobsDir;
    private final Clock clock;
    private final boolean fsync;
    private final boolean posix;
    private final Map<String, Long> written = new HashMap<>(); // job id -> version on disk
    private final Map<String, Path> files = new HashMap<>();    // job id -> its file
    private long savedVersion;
    private long filesWritten;

    private FileCheckpointStore(Path jobsDir, Clock clock, boolean fsync, boolean posix) {
        this.jobsDir = jobsDir;
        this.clock = clock;
        this.fsync = fsync;
        this.posix = posix;
    }

    /** Opens the store under {@code nitelog.state.dir}. */
    public static FileCheckpointStore open(NitelogConfig.StateConfig state) {
        return open(Path.of(state.dir()));
    }

    /**
     * Opens (creating if needed) the store under {@code stateDir}.
     *
     * @throws CheckpointStoreException when the directory cannot be created or written; the
     *                                  message names the path and the fix
     */
    public static FileCheckpointStore open(Path stateDir) {
        return open(stateDir, Clock.systemUTC(), true);
    }

    /** {@code fsync = false} only for tests that write thousands of files: an fsync costs milliseconds. */
    static FileCheckpointStore open(Path stateDir, Clock clock, boolean fsync) {
        Path jobs = stateDir.resolve("jobs");
        boolean posix;
        try {
            PrivateFiles.directory(stateDir);
            PrivateFiles.innerDirectory(jobs);
            posix = PrivateFiles.posix(jobs);
            Files.delete(Files.createTempFile(jobs, ".probe", TEMP_SUFFIX));
        } catch (IOException | SecurityException e) {
            throw new CheckpointStoreException("nitelog.state.dir=" + stateDir.toAbsolutePath()
                    + " is not a writable directory: create it or point nitelog.state.dir at one", e);
        }
        return new FileCheckpointStore(jobs, clock, fsync, posix);
    }

    /** The directory holding the job files. */
    public Path directory() {
        return jobsDir;
    }

    @Override
    public synchronized CursorSnapshot load() throws IOException {
        written.clear();
        files.clear();
        Map<String, JobSnapshot> jobs = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(jobsDir)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    // a write interrupted before its rename; safe only because the caller holds the
                    // StateDirLock, so no other process is writing here (deletes a link, not its target)
                    Files.deleteIfExists(file);
                } else if (name.endsWith(SUFFIX) && Files.isSymbolicLink(file)) {
                    setAside(file, "a symbolic link, which nitelog never makes and does not follow");
                } else if (name.endsWith(SUFFIX) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    JobSnapshot job = read(file);
                    if (job != null) {
                        jobs.put(job.jobId(), job);
                        written.put(job.jobId(), 0L);
                        files.put(job.jobId(), file);
                    }
                }
            }
        }
        savedVersion = 0;
        return new CursorSnapshot(0, jobs.keySet(), jobs);
    }

    private JobSnapshot read(Path file) {
        try {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readAllBytes();
            }
            return CheckpointCodec.decode(bytes);
        } catch (CheckpointCodec.UnreadableCheckpoint e) {
            setAside(file, e.getMessage());
        } catch (IOException e) {
            setAside(file, "unreadable: " + e);
        }
        return null;
    }

    private void setAside(Path file, String reason) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            LOG.warnf("Checkpoint %s is %s; moved it to %s and its job starts from an empty cursor"
                    + " (lines within the lateness window may be shipped again)", file, reason, aside.getFileName());
        } catch (IOException e) {
            LOG.warnf("Checkpoint %s is %s and could not be moved aside (%s); its job starts from an empty cursor",
                    file, reason, e);
        }
    }

    @Override
    public synchronized void save(CursorSnapshot snapshot) throws IOException {
        boolean touched = false;
        for (JobSnapshot job : snapshot.jobs().values()) {
            Long onDisk = written.get(job.jobId());
            if (onDisk != null && onDisk >= job.version()) {
                continue;
            }
            write(job);
            touched = true;
        }
        for (Iterator<Map.Entry<String, Path>> it = files.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Path> entry = it.next();
            if (!snapshot.allJobs().contains(entry.getKey())) {
                Files.deleteIfExists(entry.getValue());
                written.remove(entry.getKey());
                it.remove();
                touched = true;
            }
        }
        if (touched && fsync) {
            syncDirectory();
        }
        savedVersion = snapshot.version();
    }

    private void write(JobSnapshot job) throws IOException {
        Path target = jobsDir.resolve(fileName(job.jobId()));
        // unique per process and write: CREATE_NEW never opens (or follows) anything already there
        Path temp = jobsDir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + TEMP_SEQUENCE.incrementAndGet() + TEMP_SUFFIX);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PrivateFiles.fileAttributes(posix))) {
                PrivateFiles.restrict(temp, posix);
                ByteBuffer bytes = ByteBuffer.wrap(CheckpointCodec.encode(job));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                if (fsync) {
                    channel.force(true);
                }
            }
            // a rename replaces whatever is at the target, a planted link included, and never writes through it
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
        Path previous = files.put(job.jobId(), target);
        if (previous != null && !previous.equals(target)) {
            Files.deleteIfExists(previous); // a file named by an older scheme
        }
        written.put(job.jobId(), job.version());
        filesWritten++;
    }

    /** Makes the renames and deletions durable; not supported on every platform (Windows). */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(jobsDir, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debugf("cannot fsync directory %s: %s", jobsDir, e);
        }
    }

    @Override
    public synchronized long savedVersion() {
        return savedVersion;
    }

    /** How many job files this store has written (for tests of dirty tracking). */
    synchronized long filesWritten() {
        return filesWritten;
    }

    /** The job ids whose files this store knows. */
    synchronized Set<String> storedJobs() {
        return new HashSet<>(files.keySet());
    }

    /** {@code <safe part of the id, at most 64 chars>_<16 hex digits of SHA-256(id)>.ckpt}. */
    static String fileName(String jobId) {
        StringBuilder safe = new StringBuilder(Math.min(jobId.length(), 64) + 22);
        for (int i = 0; i < jobId.length() && safe.length() < 64; i++) {
            char c = jobId.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            safe.append(ok ? c : '_');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            return safe.append('_').append(HexFormat.of().formatHex(hash, 0, 8)).append(SUFFIX).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
