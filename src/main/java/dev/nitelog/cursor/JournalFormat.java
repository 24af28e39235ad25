package dev.nitelog.cursor;

import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The commit journal's segment format, version 1: a sequence of frames, big-endian.
 *
 * <pre>
 * frame   = int32 payload length, int32 CRC32C of the payload, payload
 * first frame of a segment (header):
 *   int32 magic "NLJR", uint16 version (1), string boot id ("" unknown), int64 run id,
 *   int64 run start (epoch ms), int32 sink count, then per sink: string name (its index below)
 * every later frame:
 *   uint8 kind (1 written, 2 flushed, 3 rolled back), uint16 sink index, int64 time (epoch ms)
 *   written only:
 *     int32 stream count, then per stream: string job id, string service (wire name),
 *           bool has task id [string task id], string container
 *     int32 record count, then per record: int32 stream index, int64 timestamp (epoch ns),
 *           int64 id high, int64 id low
 * string  = int32 byte length + UTF-8 bytes
 * </pre>
 *
 * A frame whose length or checksum does not hold ends what is read of its segment: a kill leaves
 * at most its last frame torn. Records carry only what a cursor needs (28 bytes each).
 */
final class JournalFormat {
    static final int MAGIC = 0x4E4C4A52; // "NLJR"
    static final int VERSION = 1;
    static final byte WRITTEN = 1;
    static final byte FLUSHED = 2;
    static final byte ROLLED_BACK = 3;
    static final int MAX_FRAME = 1 << 28;
    static final int MAX_STRING = 1 << 16;

    private JournalFormat() {
    }

    /** What a segment's first frame says. */
    record Header(String bootId, long runId, long startedMillis, List<String> sinks) {
    }

    /**
     * Builds one frame at a time in a buffer it reuses; a batch's records cost no allocation
     * beyond the buffer growing (its streams' strings are encoded once per batch). Not thread-safe.
     */
    static final class Encoder {
        private final CRC32C crc = new CRC32C();
        private final List<LogRecord> streams = new ArrayList<>();
        private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        private int[] streamOf = new int[1024];

        ByteBuffer header(Header header) {
            begin();
            buffer.putInt(MAGIC).putShort((short) VERSION);
            putString(header.bootId());
            ensure(20);
            buffer.putLong(header.runId()).putLong(header.startedMillis()).putInt(header.sinks().size());
            header.sinks().forEach(this::putString);
            return end();
        }

        ByteBuffer marker(byte kind, int sink, long millis) {
            begin();
            buffer.put(kind).putShort((short) sink).putLong(millis);
            return end();
        }

        ByteBuffer written(int sink, long millis, List<LogRecord> records) {
            begin();
            buffer.put(WRITTEN).putShort((short) sink).putLong(millis);
            indexStreams(records);
            ensure(4);
            buffer.putInt(streams.size());
            for (LogRecord head : streams) {
                putString(head.jobId());
                putString(head.service().wireName());
                ensure(1);
                buffer.put((byte) (head.taskId() == null ? 0 : 1));
                if (head.taskId() != null) {
                    putString(head.taskId());
                }
                putString(head.container());
            }
            streams.clear();
            ensure(4 + 28 * records.size());
            buffer.putInt(records.size());
            for (int i = 0; i < records.size(); i++) {
                LogRecord record = records.get(i);
                buffer.putInt(streamOf[i]).putLong(IdWindow.nanos(record.timestamp()))
                        .putLong(record.id().high()).putLong(record.id().low());
            }
            return end();
        }

        /** Numbers the batch's streams in order of appearance; a batch holds runs of one stream, so the last one is tried first. */
        private void indexStreams(List<LogRecord> records) {
            if (streamOf.length < records.size()) {
                streamOf = new int[Math.max(records.size(), 2 * streamOf.length)];
            }
            int last = -1;
            for (int i = 0; i < records.size(); i++) {
                LogRecord record = records.get(i);
                if (last < 0 || !sameStream(streams.get(last), record)) {
                    last = find(record);
                }
                streamOf[i] = last;
            }
        }

        private int find(LogRecord record) {
            for (int s = 0; s < streams.size(); s++) {
                if (sameStream(streams.get(s), record)) {
                    return s;
                }
            }
            streams.add(record);
            return streams.size() - 1;
        }

        private static boolean sameStream(LogRecord a, LogRecord b) {
            return a.service() == b.service() && a.jobId().equals(b.jobId())
                    && Objects.equals(a.taskId(), b.taskId()) && a.container().equals(b.container());
        }

        private void begin() {
            buffer.clear();
            buffer.position(8);
        }

        private ByteBuffer end() {
            int length = buffer.position() - 8;
            crc.reset();
            crc.update(buffer.array(), 8, length);
            buffer.putInt(0, length).putInt(4, (int) crc.getValue());
            buffer.flip();
            return buffer;
        }

        private void putString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            ensure(4 + utf8.length);
            buffer.putInt(utf8.length).put(utf8);
        }

        private void ensure(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(2 * buffer.capacity(), buffer.position() + bytes));
                buffer.flip();
                buffer = larger.put(buffer);
            }
        }
    }

    /** Reads the frames of one segment's bytes, up to its end or its first damaged frame. */
    static final class Frames {
        private final ByteBuffer bytes;
        private final CRC32C crc = new CRC32C();
        private boolean damaged;

        Frames(byte[] bytes) {
            this.bytes = ByteBuffer.wrap(bytes);
        }

        /** The next frame's payload, or null at the end or at a damaged frame (then {@link #damaged()}). */
        ByteBuffer next() {
            if (damaged || bytes.remaining() == 0) {
                return null;
            }
            if (bytes.remaining() < 8) {
                return torn();
            }
            int length = bytes.getInt();
            int checksum = bytes.getInt();
            if (length < 0 || length > MAX_FRAME || length > bytes.remaining()) {
                return torn();
            }
            crc.reset();
            crc.update(bytes.array(), bytes.position(), length);
            if ((int) crc.getValue() != checksum) {
                return torn();
            }
            ByteBuffer payload = bytes.slice(bytes.position(), length);
            bytes.position(bytes.position() + length);
            return payload;
        }

        private ByteBuffer torn() {
            damaged = true;
            return null;
        }

        /** True when reading stopped at a frame that is cut short or damaged. */
        boolean damaged() {
            return damaged;
        }
    }

    /** Decodes a header frame; null when it is not one this version reads. */
    static Header header(ByteBuffer payload) {
        if (payload == null || payload.remaining() < 6 || payload.getInt() != MAGIC
                || (payload.getShort() & 0xFFFF) != VERSION) {
            return null;
        }
        String bootId = string(payload);
        long runId = payload.getLong();
        long started = payload.getLong();
        int count = payload.getInt();
        if (count < 0 || count > payload.remaining()) {
            throw new IllegalArgumentException("bad sink count " + count);
        }
        List<String> sinks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sinks.add(string(payload));
        }
        return new Header(bootId, runId, started, sinks);
    }

    /** Decodes a written frame's records (after its kind, sink and time). */
    static List<LogRecord> records(ByteBuffer payload) {
        int streamCount = payload.getInt();
        if (streamCount < 0 || streamCount > payload.remaining()) {
            throw new IllegalArgumentException("bad stream count " + streamCount);
        }
        LogRecord[] streams = new LogRecord[streamCount];
        for (int s = 0; s < streamCount; s++) {
            String job = string(payload);
            Service service = service(string(payload));
            String task = payload.get() != 0 ? string(payload) : null;
            streams[s] = stream(job, service, task, string(payload));
        }
        int count = payload.getInt();
        if (count < 0 || (long) count * 28 > payload.remaining()) {
            throw new IllegalArgumentException("bad record count " + count);
        }
        List<LogRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            LogRecord stream = streams[payload.getInt()];
            records.add(record(stream, payload.getLong(), payload.getLong(), payload.getLong()));
        }
        return records;
    }

    /** A stand-in record naming a stream; a cursor's commit reads nothing else of it. */
    private static LogRecord stream(String job, Service service, String task, String container) {
        return new LogRecord(new RecordId(0, 0), Instant.EPOCH, job, job, service, task, container, Level.INFO, "");
    }

    /** A record with only what a cursor's commit reads: identity, job, stream and timestamp. */
    private static LogRecord record(LogRecord stream, long nanos, long high, long low) {
        return new LogRecord(new RecordId(high, low), IdWindow.instant(nanos), stream.jobId(), stream.jobName(),
                stream.service(), stream.taskId(), stream.container(), Level.INFO, "");
    }

    private static Service service(String wireName) {
        for (Service service : Service.values()) {
            if (service.wireName().equals(wireName)) {
                return service;
            }
        }
        throw new IllegalArgumentException("unknown service " + wireName);
    }

    private static String string(ByteBuffer payload) {
        int length = payload.getInt();
        if (length < 0 || length > MAX_STRING || length > payload.remaining()) {
            throw new IllegalArgumentException("bad string length " + length);
        }
        String s = new String(payload.array(), payload.arrayOffset() + payload.position(), length, StandardCharsets.UTF_8);
        payload.position(payload.position() + length);
        return s;
    }
}
