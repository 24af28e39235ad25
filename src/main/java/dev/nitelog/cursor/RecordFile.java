package dev.nitelog.cursor;

import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Records in a compact binary form in a file, as the spool and sort runs keep them: each entry is
 * {@code [int length][long tag][id, timestamp, service, level, cut bytes, task, container, message]};
 * the job id and name are the file's. The tag is the writer's (the spool's sink mask). One
 * {@link Writer} appends through a buffer; a {@link Reader} reads entries at positions through its own.
 */
final class RecordFile {
    private static final Level[] LEVELS = Level.values();
    private static final Service[] SERVICES = Service.values();
    private static final int FIXED = 8 + 16 + 12 + 2 + 8; // tag, id, timestamp, service and level, cut bytes

    private RecordFile() {
    }

    /** At least the bytes these records take in a file, their length prefixes included. */
    static long bound(List<LogRecord> records) {
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            bytes += 4 + bound(records.get(i));
        }
        return bytes;
    }

    private static int bound(LogRecord record) {
        // UTF-8 is at most 3 bytes per UTF-16 unit: a bound, so a budget is never exceeded
        return FIXED + 12 + 3 * (record.message().length() + record.container().length()
                + (record.taskId() == null ? 0 : record.taskId().length()));
    }

    /** Appends entries to a channel from a position on. Not thread-safe. */
    static final class Writer {
        private final FileChannel channel;
        private final ByteBuffer out;
        private long written;

        Writer(FileChannel channel, long start, int bufferBytes) {
            this.channel = channel;
            this.written = start;
            this.out = ByteBuffer.allocate(bufferBytes);
        }

        /** The file offset after the last entry flushed. */
        long written() {
            return written;
        }

        void append(long tag, LogRecord record) throws IOException {
            byte[] message = record.message().getBytes(StandardCharsets.UTF_8);
            byte[] container = record.container().getBytes(StandardCharsets.UTF_8);
            byte[] task = record.taskId() == null ? null : record.taskId().getBytes(StandardCharsets.UTF_8);
            int length = FIXED + 4 + (task == null ? 0 : task.length) + 4 + container.length + 4 + message.length;
            ensure(4 + FIXED);
            out.putInt(length).putLong(tag).putLong(record.id().high()).putLong(record.id().low())
                    .putLong(record.timestamp().getEpochSecond()).putInt(record.timestamp().getNano())
                    .put((byte) record.service().ordinal()).put((byte) record.level().ordinal())
                    .putLong(record.cutBytes());
            putBytes(task);
            putBytes(container);
            putBytes(message);
        }

        private void putBytes(byte[] bytes) throws IOException {
            ensure(4);
            if (bytes == null) {
                out.putInt(-1);
                return;
            }
            out.putInt(bytes.length);
            for (int at = 0; at < bytes.length; ) {
                if (!out.hasRemaining()) {
                    flush();
                }
                int n = Math.min(out.remaining(), bytes.length - at);
                out.put(bytes, at, n);
                at += n;
            }
        }

        private void ensure(int bytes) throws IOException {
            if (out.remaining() < bytes) {
                flush();
            }
        }

        /** Writes what the buffer holds. */
        void flush() throws IOException {
            out.flip();
            while (out.hasRemaining()) {
                written += channel.write(out, written);
            }
            out.clear();
        }
    }

    /** Reads entries at positions, refilling its buffer as needed. Not thread-safe. */
    static final class Reader {
        private final FileChannel channel;
        private final int bufferBytes;
        private ByteBuffer in;
        private long inStart = -1; // file offset of in's first byte

        Reader(FileChannel channel, int bufferBytes) {
            this.channel = channel;
            this.bufferBytes = bufferBytes;
        }

        /** The entry at {@code position}, positioned after its tag; {@link #next} gives the following one's position. */
        ByteBuffer entry(long position) throws IOException {
            int length = read(position, 4).getInt();
            return read(position + 4, length);
        }

        /** The position after the entry read at {@code position}. */
        static long next(long position, ByteBuffer entry) {
            return position + 4 + entry.limit();
        }

        /** The entry's tag. */
        static long tag(ByteBuffer entry) {
            return entry.getLong(0);
        }

        /** The entry's timestamp's epoch second, without decoding the rest. */
        static long epochSecond(ByteBuffer entry) {
            return entry.getLong(8 + 16);
        }

        /** The entry's timestamp's nanosecond of the second. */
        static int nano(ByteBuffer entry) {
            return entry.getInt(8 + 16 + 8);
        }

        static LogRecord decode(ByteBuffer entry, String jobId, String jobName) {
            entry.position(8);
            RecordId id = new RecordId(entry.getLong(), entry.getLong());
            Instant timestamp = Instant.ofEpochSecond(entry.getLong(), entry.getInt());
            Service service = SERVICES[entry.get()];
            Level level = LEVELS[entry.get()];
            long cutBytes = entry.getLong();
            String task = string(entry);
            String container = string(entry);
            String message = string(entry);
            return new LogRecord(id, timestamp, jobId, jobName, service, task, container, level, message, cutBytes);
        }

        private static String string(ByteBuffer entry) {
            int length = entry.getInt();
            if (length < 0) {
                return null;
            }
            String s = new String(entry.array(), entry.arrayOffset() + entry.position(), length, StandardCharsets.UTF_8);
            entry.position(entry.position() + length);
            return s;
        }

        /** A view of {@code length} bytes at {@code position}. */
        private ByteBuffer read(long position, int length) throws IOException {
            if (in == null || in.capacity() < length) {
                in = ByteBuffer.allocate(Math.max(bufferBytes, length));
                inStart = -1;
            }
            if (inStart < 0 || position < inStart || position + length > inStart + in.limit()) {
                in.clear();
                inStart = position;
                while (in.position() < length) {
                    int n = channel.read(in, inStart + in.position());
                    if (n < 0) {
                        throw new IOException("the file ends early");
                    }
                }
                in.flip();
            }
            ByteBuffer view = in.duplicate();
            view.position((int) (position - inStart));
            view.limit((int) (position - inStart) + length);
            return view.slice();
        }
    }
}
