package dev.nitelog.cursor;

import dev.nitelog.config.InvalidConfigException;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Committed cursors as one small file per job under {@code <state dir>/cursors/}, named by a hash of
 * the job id (a job id can never escape the directory).
 *
 * <p>Format, version 1: magic {@code NLCK}, format version (int16), payload length (int32), the
 * payload, and its CRC32 (int64). The payload is written with {@link DataOutputStream}: job id,
 * job version, retired flag (+ epoch second and nano), sink count, and per sink its name, high
 * water, pruned-below mark, id count and (time, id high, id low) triples. Binary because a busy
 * job's window holds thousands of ids that are rewritten every flush. A write goes to a temporary
 * file, is fsynced, renamed over the old one, and the directory is fsynced.
 */
final class FileCheckpointStore implements CheckpointStore {
    private static final Logger LOG = Logger.getLogger(FileCheckpointStore.class);
    private static final int MAGIC = 0x4E4C434B; // "NLCK"
    private static final short FORMAT = 1;
    private static final String SUFFIX = ".ckpt";

    private final Path dir;
    private final Set<String> storedJobs = new HashSet<>();
    private long savedVersion = -1;

    private FileCheckpointStore(Path dir) {
        this.dir = dir;
    }

    static FileCheckpointStore open(Path stateDir) {
        Path dir = stateDir.resolve("cursors");
        try {
            if (Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
                throw new IOException("a file is in the way");
            }
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, "probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigException("nitelog.state.dir=" + stateDir + " is not a writable directory ("
                    + e.getClass().getSimpleName() + "): create it, make it writable for nitelog, or point"
                    + " nitelog.state.dir at one");
        }
        return new FileCheckpointStore(dir);
    }

    @Override
    public synchronized CursorSnapshot load() {
        Map<String, JobSnapshot> jobs = new HashMap<>();
        long version = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(file); // a write that a crash interrupted; the old file stands
                } else if (name.endsWith(SUFFIX)) {
                    JobSnapshot job = read(file);
                    if (job != null) {
                        jobs.put(job.jobId(), job);
                        storedJobs.add(job.jobId());
                        version = Math.max(version, job.version());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        savedVersion = version;
        return new CursorSnapshot(version, jobs.keySet(), jobs);
    }

    private JobSnapshot read(Path file) {
        try {
            JobSnapshot job = decode(Files.readAllBytes(file));
            if (!fileName(job.jobId()).equals(file.getFileName().toString())) {
                throw new IOException("it holds job " + job.jobId() + ", which belongs in another file");
            }
            return job;
        } catch (IOException | RuntimeException e) {
            setAside(file, e);
            return null;
        }
    }

    private void setAside(Path file, Exception problem) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + Instant.now().toEpochMilli());
        LOG.warnf("Checkpoint %s is unreadable (%s); moved to %s. Its job starts from an empty cursor, so"
                + " sinks may receive that job's lines again", file, problem.getMessage(), aside.getFileName());
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warnf("Could not move %s aside: %s", file, e.getMessage());
        }
    }

    @Override
    public synchronized void save(CursorSnapshot snapshot) {
        boolean changed = false;
        for (JobSnapshot job : snapshot.jobs().values()) {
            write(job);
            storedJobs.add(job.jobId());
            changed = true;
        }
        for (String gone : new HashSet<>(storedJobs)) {
            if (!snapshot.allJobs().contains(gone)) {
                delete(gone);
                changed = true;
            }
        }
        if (changed) {
            syncDirectory();
        }
        savedVersion = Math.max(savedVersion, snapshot.version());
    }

    private void write(JobSnapshot job) {
        Path target = dir.resolve(fileName(job.jobId()));
        Path temp = dir.resolve(fileName(job.jobId()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(encode(job));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    private void delete(String jobId) {
        try {
            Files.deleteIfExists(dir.resolve(fileName(jobId)));
            storedJobs.remove(jobId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the checkpoint of job " + jobId, e);
        }
    }

    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debugf("directory fsync not supported here: %s", e.getMessage());
        }
    }

    @Override
    public synchronized long savedVersion() {
        return savedVersion;
    }

    @Override
    public void close() {
        // every save is complete and synced when it returns: nothing is buffered
    }

    static String fileName(String jobId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static byte[] encode(JobSnapshot job) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(64 + job.sinks().size() * 64);
        DataOutputStream out = new DataOutputStream(payload);
        out.writeUTF(job.jobId());
        out.writeLong(job.version());
        out.writeBoolean(job.retiredAt() != null);
        if (job.retiredAt() != null) {
            out.writeLong(job.retiredAt().getEpochSecond());
            out.writeInt(job.retiredAt().getNano());
        }
        out.writeInt(job.sinks().size());
        for (Map.Entry<String, WindowSnapshot> sink : job.sinks().entrySet()) {
            WindowSnapshot w = sink.getValue();
            out.writeUTF(sink.getKey());
            out.writeLong(w.highWaterNanos());
            out.writeLong(w.prunedBelowNanos());
            out.writeInt(w.size());
            for (int i = 0; i < w.size(); i++) {
                out.writeLong(w.timeNanos(i));
                out.writeLong(w.idHigh(i));
                out.writeLong(w.idLow(i));
            }
        }
        out.flush();
        byte[] body = payload.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteBuffer file = ByteBuffer.allocate(4 + 2 + 4 + body.length + 8);
        file.putInt(MAGIC).putShort(FORMAT).putInt(body.length).put(body).putLong(crc.getValue());
        return file.array();
    }

    static JobSnapshot decode(byte[] bytes) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(bytes);
        if (bytes.length < 18 || file.getInt() != MAGIC) {
            throw new IOException("not a nitelog checkpoint");
        }
        short format = file.getShort();
        if (format != FORMAT) {
            throw new IOException("format version " + format + " is not one this nitelog reads (" + FORMAT
                    + "); was it written by a newer nitelog?");
        }
        int length = file.getInt();
        if (length < 0 || length != bytes.length - 18) {
            throw new IOException("truncated: payload length " + length + " in a file of " + bytes.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 10, length);
        if (crc.getValue() != ByteBuffer.wrap(bytes, 10 + length, 8).getLong()) {
            throw new IOException("checksum mismatch");
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 10, length));
        String jobId = in.readUTF();
        long version = in.readLong();
        Instant retiredAt = in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
        int sinkCount = in.readInt();
        Map<String, WindowSnapshot> sinks = new HashMap<>();
        for (int s = 0; s < sinkCount; s++) {
            String sink = in.readUTF();
            long highWater = in.readLong();
            long prunedBelow = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > length / 24) {
                throw new IOException("implausible id count " + n);
            }
            long[] times = new long[n];
            long[] highs = new long[n];
            long[] lows = new long[n];
            for (int i = 0; i < n; i++) {
                times[i] = in.readLong();
                highs[i] = in.readLong();
                lows[i] = in.readLong();
            }
            sinks.put(sink, new WindowSnapshot(highWater, prunedBelow, times, highs, lows));
        }
        return new JobSnapshot(jobId, version, retiredAt, sinks);
    }
}
