package dev.nitelog.sink.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.function.Consumer;

/** File-system steps with the sink's permissions: files 0640, directories 0750. */
final class Fs {
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r-----");
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-x---");

    private Fs() {
    }

    /**
     * Creates {@code dir} and missing parents, each 0750 where the file system has POSIX modes
     * (set explicitly afterwards, since the umask narrows the mode given at creation).
     *
     * @param created told the parent of every directory created, whose entry must be synced
     */
    static void createDirectories(Path dir, Consumer<Path> created) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                try {
                    Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectory(p);
                }
                setMode(p, DIR_MODE);
                if (p.getParent() != null) {
                    created.accept(p.getParent());
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
    }

    /** Creates a new file 0640, or returns null if it exists already. */
    static FileChannel createNew(Path file, StandardOpenOption... options) throws IOException {
        Set<StandardOpenOption> opts = new java.util.HashSet<>(Set.of(options));
        opts.add(StandardOpenOption.CREATE_NEW);
        FileChannel channel;
        try {
            channel = open(file, opts);
        } catch (FileAlreadyExistsException e) {
            return null;
        }
        try {
            setMode(file, FILE_MODE);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private static FileChannel open(Path file, Set<StandardOpenOption> opts) throws IOException {
        try {
            return FileChannel.open(file, opts, PosixFilePermissions.asFileAttribute(FILE_MODE));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, opts);
        }
    }

    /** Syncs a directory so that entries created or renamed in it survive a machine crash. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, mode);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the platform's defaults apply
        }
    }
}
