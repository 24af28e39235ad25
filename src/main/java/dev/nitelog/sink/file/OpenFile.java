package dev.nitelog.sink.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file the sink appends to: a channel in append mode behind a small write buffer, its size
 * (for size rotation) and the UTC day of its first record (for day rotation).
 */
final class OpenFile {
    static final long UNKNOWN_DAY = Long.MIN_VALUE;
    private static final Pattern DATE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})T");

    final Path path;
    private final FileChannel channel;
    private final Object fileKey;
    private final ByteBuffer buffer;
    private long size;
    private long day;
    private boolean unsynced;

    private OpenFile(Path path, FileChannel channel, int bufferSize) throws IOException {
        this.path = path;
        this.channel = channel;
        this.buffer = ByteBuffer.allocate(bufferSize);
        this.size = channel.size();
        this.fileKey = key(path);
    }

    /**
     * Opens (creating it 0640 if needed) a file for appending. A file left ending in the middle of
     * a line (a write cut short by a crash or a full disk) first gets a newline, so the next
     * record starts a line of its own.
     *
     * @param created called with the file's directory when the file is new
     */
    static OpenFile open(Path path, int bufferSize, java.util.function.Consumer<Path> created) throws IOException {
        FileChannel channel = Fs.createNew(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        boolean isNew = channel != null;
        if (isNew) {
            created.accept(path.getParent());
        } else {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        try {
            OpenFile file = new OpenFile(path, channel, bufferSize);
            file.day = UNKNOWN_DAY;
            if (file.size > 0) {
                file.inspect();
            }
            return file;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Learns the day of an existing file and ends a cut-short last line. */
    private void inspect() throws IOException {
        try (FileChannel reader = FileChannel.open(path, StandardOpenOption.READ)) {
            day = readDay(reader);
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, size - 1);
            if (last.get(0) != '\n') {
                append(new byte[] {'\n'}, 0, 1);
            }
        }
    }

    /** The day of the file's first record: both formats carry its RFC 3339 time in the first bytes. */
    private long readDay(FileChannel reader) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(256);
        reader.read(head, 0);
        Matcher m = DATE.matcher(new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1));
        if (m.find()) {
            try {
                return LocalDate.parse(m.group(1)).toEpochDay();
            } catch (RuntimeException ignored) {
                // not a date after all: fall back to the modification time
            }
        }
        return Math.floorDiv(Files.getLastModifiedTime(path).toMillis(), 86_400_000L);
    }

    /** Bytes in the file, counting those still buffered. */
    long size() {
        return size;
    }

    /** The UTC epoch day of the first record, or {@link #UNKNOWN_DAY} while the file is empty. */
    long day() {
        return day;
    }

    void append(byte[] bytes, int offset, int length, long recordDay) throws IOException {
        if (day == UNKNOWN_DAY) {
            day = recordDay;
        }
        append(bytes, offset, length);
    }

    private void append(byte[] bytes, int offset, int length) throws IOException {
        unsynced = true;
        if (length > buffer.remaining()) {
            push();
            if (length > buffer.capacity()) {
                writeFully(ByteBuffer.wrap(bytes, offset, length));
                size += length;
                return;
            }
        }
        buffer.put(bytes, offset, length);
        size += length;
    }

    /** Hands buffered bytes to the OS. */
    void push() throws IOException {
        if (buffer.position() > 0) {
            buffer.flip();
            try {
                writeFully(buffer);
            } finally {
                buffer.clear();
            }
        }
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Pushes and, when anything was written since the last sync, forces the bytes to disk. */
    void sync(Syncer syncer) throws IOException {
        push();
        if (unsynced) {
            syncer.sync(channel);
            unsynced = false;
        }
    }

    /** Whether the path still names this file (not moved away or deleted behind our back). */
    boolean stillAtPath() throws IOException {
        try {
            return fileKey == null || Objects.equals(fileKey, key(path));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static Object key(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    /** False once closed or abandoned (rotated, evicted, failed): a file not to write to any more. */
    boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes without pushing: for a file whose write failed, whose records will be sent again. */
    void abandon() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // its records are re-sent; nothing more to save here
        }
    }

    void close() throws IOException {
        channel.close();
    }
}
