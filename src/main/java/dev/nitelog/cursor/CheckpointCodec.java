package dev.nitelog.cursor;

import dev.nitelog.record.Service;
import dev.nitelog.record.StreamKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint file format, version 3: one job per file, big-endian (DataOutputStream).
 *
 * <pre>
 * int32   magic "NLCK"
 * uint16  format version (3)
 * string  job id                       string = int32 byte length + UTF-8 bytes
 * bool    retired; if set: int64 epoch seconds, int32 nanos
 * int32   sink count, then per sink (by name):
 *   string  sink name
 *   bool    has a format-1 cursor (kept from an upgrade); if set: window
 *   int32   stream count, then per stream:
 *     string  service (wire name)
 *     bool    has a task id; if set: string task id
 *     string  container
 *     window
 *     int64   ids without the level until (epoch ns; Long.MIN_VALUE = none): ids of the window
 *             stamped at or before this were computed without the level (format 2 and before)
 * int32   CRC32 of every byte before it
 *
 * window =
 *   int64   high water (epoch ns; Long.MIN_VALUE = none)
 *   int64   pruned-below mark (epoch ns; Long.MIN_VALUE = none)
 *   int32   id count, then per id, oldest first: int64 time (epoch ns), int64 id high, int64 id low
 * </pre>
 *
 * Version 1 had one window per sink for all the job's streams (no stream count); it is read into
 * {@link JobSnapshot#sinks()} and written back as such, so an upgrade neither re-ships nor skips a
 * line. Version 2 had no "ids without the level" field: every id it holds is one (record ids took
 * the level in with version 3), so a stream read from it is marked so up to its newest id.
 *
 * Binary rather than JSON: an id is 16 raw bytes instead of 32 hex digits plus quoting, there is no
 * number formatting on the flush path, and the core needs no JSON library. The version comes
 * before the checksum so a file from a newer nitelog is reported as such, not as damage.
 */
final class CheckpointCodec {

    static final int MAGIC = 0x4E4C434B; // "NLCK"
    static final int VERSION = 3;
    private static final int MAX_STRING = 1 << 16;

    private CheckpointCodec() {
    }

    /** Why a checkpoint was not read. */
    static final class UnreadableCheckpoint extends Exception {
        UnreadableCheckpoint(String reason) {
            super(reason, null, false, false);
        }
    }

    static byte[] encode(JobSnapshot job) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 24 * ids(job));
        CRC32 crc = new CRC32();
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(bytes, crc))) {
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            writeString(out, job.jobId());
            out.writeBoolean(job.retiredAt() != null);
            if (job.retiredAt() != null) {
                out.writeLong(job.retiredAt().getEpochSecond());
                out.writeInt(job.retiredAt().getNano());
            }
            java.util.SortedSet<String> sinks = new java.util.TreeSet<>(job.sinks().keySet());
            sinks.addAll(job.streams().keySet());
            out.writeInt(sinks.size());
            for (String sink : sinks) {
                writeString(out, sink);
                WindowSnapshot legacy = job.sinks().get(sink);
                out.writeBoolean(legacy != null);
                if (legacy != null) {
                    writeWindow(out, legacy);
                }
                Map<StreamKey, WindowSnapshot> streams = job.streams().getOrDefault(sink, Map.of());
                out.writeInt(streams.size());
                for (Map.Entry<StreamKey, WindowSnapshot> stream : streams.entrySet()) {
                    StreamKey key = stream.getKey();
                    writeString(out, key.service().wireName());
                    out.writeBoolean(key.taskId() != null);
                    if (key.taskId() != null) {
                        writeString(out, key.taskId());
                    }
                    writeString(out, key.container());
                    writeWindow(out, stream.getValue());
                    out.writeLong(stream.getValue().idsWithoutLevelUntil());
                }
            }
            out.flush();
            new DataOutputStream(bytes).writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Decodes a file's bytes; the snapshot's version is 0 (unchanged since loaded). */
    static JobSnapshot decode(byte[] bytes) throws UnreadableCheckpoint {
        if (bytes.length < 4 + 2 + 4) {
            throw new UnreadableCheckpoint("truncated: " + bytes.length + " bytes");
        }
        int magic = readInt(bytes, 0);
        if (magic != MAGIC) {
            throw new UnreadableCheckpoint("not a nitelog checkpoint (bad magic)");
        }
        int version = ((bytes[4] & 0xFF) << 8) | (bytes[5] & 0xFF);
        if (version > VERSION) {
            throw new UnreadableCheckpoint("written by a newer nitelog (checkpoint format " + version
                    + ", this version reads up to " + VERSION + ")");
        }
        if (version < 1) {
            throw new UnreadableCheckpoint("unknown checkpoint format " + version);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != readInt(bytes, bytes.length - 4)) {
            throw new UnreadableCheckpoint("checksum mismatch (truncated or damaged)");
        }
        try {
            return decodeBody(new DataInputStream(new ByteArrayInputStream(bytes, 6, bytes.length - 10)), version);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableCheckpoint("malformed content: " + e);
        }
    }

    private static JobSnapshot decodeBody(DataInputStream in, int version) throws IOException, UnreadableCheckpoint {
        String jobId = readString(in);
        Instant retiredAt = in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
        int sinkCount = in.readInt();
        if (sinkCount < 0 || sinkCount > in.available()) {
            throw new UnreadableCheckpoint("bad sink count " + sinkCount);
        }
        Map<String, WindowSnapshot> sinks = new HashMap<>();
        Map<String, Map<StreamKey, WindowSnapshot>> streams = new HashMap<>();
        for (int s = 0; s < sinkCount; s++) {
            String sink = readString(in);
            if (version == 1) {
                sinks.put(sink, readWindow(in)); // one window for all streams: kept as the legacy cursor
                continue;
            }
            if (in.readBoolean()) {
                sinks.put(sink, readWindow(in));
            }
            int streamCount = in.readInt();
            if (streamCount < 0 || streamCount > in.available()) {
                throw new UnreadableCheckpoint("bad stream count " + streamCount);
            }
            Map<StreamKey, WindowSnapshot> windows = new HashMap<>();
            for (int k = 0; k < streamCount; k++) {
                Service service = service(readString(in));
                String taskId = in.readBoolean() ? readString(in) : null;
                StreamKey key = new StreamKey(service, taskId, readString(in));
                WindowSnapshot window = readWindow(in);
                windows.put(key, window.withIdsWithoutLevelUntil(version == 2 ? newest(window) : in.readLong()));
            }
            streams.put(sink, windows);
        }
        if (in.available() != 0) {
            throw new UnreadableCheckpoint(in.available() + " unexpected trailing bytes");
        }
        return new JobSnapshot(jobId, 0, retiredAt, sinks, streams);
    }

    /** The newest time a window may hold an id of: its high water, or an id held above it. */
    private static long newest(WindowSnapshot window) {
        long newest = window.size() == 0 ? IdWindow.EMPTY : window.highWaterNanos();
        for (int i = 0; i < window.size(); i++) {
            newest = Math.max(newest, window.timeNanos(i));
        }
        return newest;
    }

    private static Service service(String wireName) throws UnreadableCheckpoint {
        for (Service service : Service.values()) {
            if (service.wireName().equals(wireName)) {
                return service;
            }
        }
        throw new UnreadableCheckpoint("unknown service " + wireName);
    }

    private static void writeWindow(DataOutputStream out, WindowSnapshot window) throws IOException {
        out.writeLong(window.highWaterNanos());
        out.writeLong(window.prunedBelowNanos());
        out.writeInt(window.size());
        for (int i = 0; i < window.size(); i++) {
            out.writeLong(window.timeNanos(i));
            out.writeLong(window.idHigh(i));
            out.writeLong(window.idLow(i));
        }
    }

    private static WindowSnapshot readWindow(DataInputStream in) throws IOException, UnreadableCheckpoint {
        long highWater = in.readLong();
        long prunedBelow = in.readLong();
        int n = in.readInt();
        if (n < 0 || (long) n * 24 > in.available()) {
            throw new UnreadableCheckpoint("bad id count " + n);
        }
        long[] times = new long[n];
        long[] highs = new long[n];
        long[] lows = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = in.readLong();
            highs[i] = in.readLong();
            lows[i] = in.readLong();
        }
        return new WindowSnapshot(highWater, prunedBelow, times, highs, lows);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException, UnreadableCheckpoint {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING || length > in.available()) {
            throw new UnreadableCheckpoint("bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static int ids(JobSnapshot job) {
        return job.sinks().values().stream().mapToInt(WindowSnapshot::size).sum()
                + job.streams().values().stream().flatMap(m -> m.values().stream()).mapToInt(WindowSnapshot::size).sum();
    }
}
