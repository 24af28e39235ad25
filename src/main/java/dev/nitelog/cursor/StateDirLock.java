package dev.nitelog.cursor;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The daemon's exclusive claim on {@code nitelog.state.dir}: an OS lock ({@link FileChannel#tryLock})
 * on {@code <state dir>/nitelog.lock}, which holds {@code pid@host} of the holder. Two daemons on one
 * state directory would each ship every line and overwrite each other's checkpoints, and one
 * starting would delete the other's half-written temporary files; so the second one refuses to
 * start. The OS drops the lock when the process dies, even by kill -9, so a stale file never
 * blocks a restart. Only the daemon takes it: {@code validate} and {@code logs} write no state.
 */
public final class StateDirLock implements AutoCloseable {
    /** The lock file's name inside the state directory. */
    public static final String FILE_NAME = "nitelog.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the state directory (owner-only) if needed and locks it for this process.
     *
     * @throws CheckpointStoreException when another process (or another lock in this JVM) holds it,
     *                                  naming the directory, the holder and the fix; or when the
     *                                  directory cannot be used
     */
    public static StateDirLock acquire(Path stateDir) {
        Path dir = stateDir.toAbsolutePath();
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            PrivateFiles.directory(dir);
            boolean posix = PrivateFiles.posix(dir);
            if (Files.isSymbolicLink(file)) {
                throw new CheckpointStoreException(file + " is a symbolic link; nitelog makes no links in its state"
                        + " directory: remove it", null);
            }
            // no TRUNCATE: the holder's pid@host must stay readable until this process holds the lock
            channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS), PrivateFiles.fileAttributes(posix));
            PrivateFiles.restrict(file, posix);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                String holder = holder(file);
                channel.close();
                throw new CheckpointStoreException("nitelog.state.dir=" + dir + " is in use by another nitelog ("
                        + holder + "): stop that one first, or give this one its own nitelog.state.dir", null);
            }
            channel.truncate(0);
            ByteBuffer me = ByteBuffer.wrap((self() + "\n").getBytes(StandardCharsets.UTF_8));
            long at = 0;
            while (me.hasRemaining()) {
                at += channel.write(me, at);
            }
            channel.force(true);
            return new StateDirLock(file, channel, lock);
        } catch (IOException | SecurityException e) {
            closeQuietly(channel);
            throw new CheckpointStoreException("nitelog.state.dir=" + dir + " cannot be locked (" + e
                    + "): point nitelog.state.dir at a writable local directory", e);
        } catch (CheckpointStoreException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** {@code pid@host} of this process. */
    static String self() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }

    private static String holder(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            // written by us, but read defensively: one short line only
            text = text.lines().findFirst().orElse("");
            if (text.isEmpty()) {
                return "holder unknown";
            }
            return "pid " + (text.length() > 200 ? text.substring(0, 200) : text);
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Whether this process still holds the lock. */
    public boolean held() {
        return lock.isValid();
    }

    /** Releases the lock; the file stays (deleting it would race with a process about to lock it). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
