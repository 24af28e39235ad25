package dev.nitelog.cursor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only state: directories 0700 and files 0600 where the file system has POSIX permissions.
 * Set explicitly after creation as well, because the creation mode is masked by the umask (a umask
 * of 0277 would leave a file the owner cannot write; one of 0 would leave it as asked, but a
 * directory made by an older version may be 0755). Entries inside the state directory that are
 * symbolic links are refused: nitelog makes none, so one there was planted.
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and its parents if needed and makes it owner-only; it may itself be a link the user made. */
    static void directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        restrictDirectory(dir);
    }

    /**
     * Creates the directory {@code dir} inside the state directory, or checks the one there: a
     * symbolic link or a non-directory is refused, naming the path and the fix.
     */
    static void innerDirectory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new CheckpointStoreException(dir + " is a symbolic link; nitelog makes no links in its state"
                    + " directory and does not follow one: remove the link (move its target's files into a real"
                    + " directory if they are nitelog's)", null);
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir);
        } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointStoreException(dir + " is not a directory: remove it so nitelog can create its"
                    + " state directory there", null);
        }
        restrictDirectory(dir);
    }

    /** Creation attributes for a file: 0600 where {@code posix}, none elsewhere. */
    static FileAttribute<?>[] fileAttributes(boolean posix) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Creates a new owner-only (0600) file for reading and writing; fails if anything is at {@code path}. */
    static FileChannel createNew(Path path, boolean posix) throws IOException {
        FileChannel channel = FileChannel.open(path, Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), fileAttributes(posix));
        restrict(path, posix); // whatever the umask
        return channel;
    }

    /** Makes a file nitelog created owner-only (0600), whatever the umask made of its creation mode. */
    static void restrict(Path file, boolean posix) throws IOException {
        if (posix) {
            Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(FILE);
        }
    }

    private static void restrictDirectory(Path dir) throws IOException {
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, DIR);
        }
    }

    /** Makes renames and deletions in {@code dir} durable; not supported on every platform (Windows). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Whether the file system holding {@code path} has POSIX permissions (asked once per directory: it reads the mounts). */
    static boolean posix(Path path) throws IOException {
        return Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class);
    }
}
