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
import java.util.List;
import java.util.ArrayList;
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
 * The file a write replaces is kept as {@code <job>.ckpt.prev}: a checkpoint damaged later (a disk
 * error, a bad copy, a newer nitelog's format) falls back to it, which ships again only what was
 * committed between the two writes. With neither copy readable, {@link #load()} refuses to start,
 * naming the file and the fix ({@code nitelog state reset}), rather than ship the job from the
 * start on its own.
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
    private static final String PREVIOUS_SUFFIX = SUFFIX + ".prev";
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
        removeTemporaryFiles();
        Map<String, JobSnapshot> jobs = new HashMap<>();
        List<Stored> unreadable = new ArrayList<>();
        for (Stored stored : read(jobsDir)) {
            if (stored.job() == null) {
                unreadable.add(stored);
                continue;
            }
            if (stored.fromPrevious()) {
                LOG.warn(stored.problem());
                setAside(stored.file()); // kept for a look; the next write starts from the good copy
            }
            jobs.put(stored.job().jobId(), stored.job());
            written.put(stored.job().jobId(), 0L);
            files.put(stored.job().jobId(), stored.file());
        }
        if (!unreadable.isEmpty()) {
            Stored first = unreadable.get(0);
            throw new CheckpointStoreException(first.problem() + ": nitelog does not start rather than ship that"
                    + " job again from the start on its own. Restore the file, or run `nitelog state reset "
                    + first.file().getFileName() + "` to ship it again on purpose"
                    + (unreadable.size() > 1 ? " (" + unreadable.size() + " checkpoints are unreadable:"
                    + " `nitelog state list` names them)" : ""), null);
        }
        savedVersion = 0;
        return new CursorSnapshot(0, jobs.keySet(), jobs);
    }

    /**
     * One job's checkpoint as found on disk.
     *
     * @param file    the checkpoint's path ({@code <job>.ckpt}, whether or not it exists now)
     * @param job     what was read: the checkpoint, else its previous copy; null when neither is readable
     * @param problem why the checkpoint could not be used, naming the file; null when it was read as is
     */
    public record Stored(Path file, JobSnapshot job, String problem) {
        /** True when the job's progress comes from the previous copy. */
        public boolean fromPrevious() {
            return job != null && problem != null;
        }
    }

    /**
     * Reads every checkpoint under {@code jobsDir} without changing anything (the daemon may be
     * running): each with its previous copy where it is damaged, missing, or a link.
     */
    public static List<Stored> read(Path jobsDir) throws IOException {
        Map<String, Path> names = new java.util.TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(jobsDir)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    names.put(name, file);
                } else if (name.endsWith(PREVIOUS_SUFFIX)) {
                    String main = name.substring(0, name.length() - ".prev".length());
                    names.putIfAbsent(main, file.resolveSibling(main)); // a crash between the two renames
                }
            }
        }
        List<Stored> stored = new ArrayList<>();
        for (Path file : names.values()) {
            stored.add(readWithFallback(file));
        }
        return stored;
    }

    private static Stored readWithFallback(Path file) {
        String problem = problem(file);
        if (problem == null) {
            return new Stored(file, decode(file), null);
        }
        Path previous = previous(file);
        String previousProblem = Files.exists(previous, LinkOption.NOFOLLOW_LINKS) ? problem(previous) : "missing";
        if (previousProblem == null) {
            return new Stored(file, decode(previous), "Checkpoint " + file + " is " + problem
                    + "; using its previous copy " + previous.getFileName()
                    + " (what was committed after that copy is shipped again)");
        }
        return new Stored(file, null, "Checkpoint " + file + " is " + problem + " and its previous copy is "
                + previousProblem);
    }

    /** Why the file cannot be read as a checkpoint, or null when it can. */
    private static String problem(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        if (Files.isSymbolicLink(file)) {
            return "a symbolic link, which nitelog never makes and does not follow";
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return "not a regular file";
        }
        try {
            decodeOrThrow(file);
            return null;
        } catch (CheckpointCodec.UnreadableCheckpoint e) {
            return e.getMessage();
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private static JobSnapshot decode(Path file) {
        try {
            return decodeOrThrow(file);
        } catch (CheckpointCodec.UnreadableCheckpoint | IOException e) {
            throw new IllegalStateException("read a moment ago: " + file, e);
        }
    }

    private static JobSnapshot decodeOrThrow(Path file) throws IOException, CheckpointCodec.UnreadableCheckpoint {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return CheckpointCodec.decode(in.readAllBytes());
        }
    }

    static Path previous(Path file) {
        return file.resolveSibling(file.getFileName() + ".prev");
    }

    /** A write interrupted before its rename; safe only because the caller holds the StateDirLock. */
    private void removeTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(jobsDir, "*" + TEMP_SUFFIX)) {
            for (Path file : entries) {
                Files.deleteIfExists(file); // deletes a link, not its target
            }
        }
    }

    private void setAside(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warnf("Checkpoint %s could not be moved aside (%s)", file, e);
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
                Files.deleteIfExists(previous(entry.getValue()));
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
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) { // kept: a later damage falls back to it
                keepPrevious(target);
            }
            // a rename replaces whatever is at the target, a planted link included, and never writes through it
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
        Path older = files.put(job.jobId(), target);
        if (older != null && !older.equals(target)) {
            Files.deleteIfExists(older); // a file named by an older scheme
            Files.deleteIfExists(previous(older));
        }
        written.put(job.jobId(), job.version());
        filesWritten++;
    }

    /**
     * Keeps the checkpoint about to be replaced as its previous copy, as a second name of the same
     * file (a copy where the file system has no hard links): the checkpoint itself stays in place
     * until the one rename that replaces it, so a crash at any moment leaves it readable.
     */
    private void keepPrevious(Path target) throws IOException {
        Path previous = previous(target);
        Files.deleteIfExists(previous);
        try {
            Files.createLink(previous, target);
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            Path copy = previous.resolveSibling(previous.getFileName() + "." + ProcessHandle.current().pid() + "-"
                    + TEMP_SEQUENCE.incrementAndGet() + TEMP_SUFFIX);
            Files.copy(target, copy, LinkOption.NOFOLLOW_LINKS);
            PrivateFiles.restrict(copy, posix);
            Files.move(copy, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the renames and deletions durable; not supported on every platform (Windows). */
    private void syncDirectory() {
        try {
            PrivateFiles.syncDirectory(jobsDir);
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
    public static String fileName(String jobId) {
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
