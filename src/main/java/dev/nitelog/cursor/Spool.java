package dev.nitelog.cursor;

import dev.nitelog.record.LogRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The surplus of a backlog on local disk, so a backlog is fetched once: when a poll finds more new
 * lines than a sink's queue holds, the rest are appended to the job's spool file, and the sink
 * drains it in order as its queue frees up. Records in a spool were already marked sent in the
 * cursors; a sink's failed batch {@link #discard discards} what the spool still holds for it,
 * since the cursors roll back and the next poll offers those lines again. Nothing here is the
 * source of truth: the directory is emptied at start, and a crash loses only what the source
 * still has.
 *
 * <p>Per job, segment files {@code <state dir>/spool/<n>.spool} of a sixteenth of {@code max-bytes}
 * (1 to 64 MiB); each entry is a sink bit mask (which sinks still want it) and the record in a
 * compact binary form (id, timestamp, service, level, task, container, message; job id and name
 * are the job's). Each sink reads the job's entries from its own position; a segment every sink has
 * read past is deleted and its bytes freed. All files together hold at most {@code max-bytes}: an
 * append past it is refused, and the caller takes the backlog in slices instead. Thread-safe; a
 * job's file has its own lock, taken after any sink worker's lock.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Spool.class);
    private static final int READ_BUFFER = 256 * 1024;
    /** A job's spool is cut into segment files of a sixteenth of the budget, within these bounds. */
    private static final long MIN_SEGMENT_BYTES = 1L << 20;
    private static final long MAX_SEGMENT_BYTES = 64L << 20;

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong fileNames = new AtomicLong();
    private final Map<String, JobFile> jobs = new LinkedHashMap<>();
    private volatile boolean broken;
    private boolean posix;

    private Spool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxBytes / 16));
    }

    /**
     * Opens the spool under {@code stateDir}/spool, removing what a previous run left there (its
     * records were never confirmed, so the cursors offer them again).
     */
    public static Spool open(Path stateDir, long maxBytes) {
        Path dir = stateDir.resolve("spool");
        Spool spool = new Spool(dir, maxBytes);
        try {
            Files.createDirectories(stateDir);
            PrivateFiles.innerDirectory(dir); // owner-only, and never a link
            spool.posix = PrivateFiles.posix(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path file : old.toList()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | CheckpointStoreException e) {
            spool.broken("cannot prepare " + dir + ": " + e.getMessage());
        }
        return spool;
    }

    /** Bytes held by every job's file. */
    public long usedBytes() {
        return usedBytes.get();
    }

    /** True when {@code bytes} more would fit (see {@link #bound}); appends may still race for it. */
    public boolean hasRoom(long bytes) {
        return !broken && usedBytes.get() + bytes <= maxBytes;
    }

    /** At least the bytes these records take in a spool file. */
    public static long bound(List<LogRecord> records) {
        return RecordFile.bound(records);
    }

    /** True when the sink (by index) has records of some job waiting in the spool. */
    public boolean pending(int sink) {
        synchronized (jobs) {
            for (JobFile file : jobs.values()) {
                if (file.pending(sink)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the sink (by index) has records of this job waiting. */
    public boolean pending(String jobId, int sink) {
        JobFile file;
        synchronized (jobs) {
            file = jobs.get(jobId);
        }
        return file != null && file.pending(sink);
    }

    /**
     * Appends records for the sinks in {@code mask} (bit i = sink i).
     *
     * @return false when the spool is full or cannot be written: nothing of {@code records} was
     *         appended, and the caller must leave them unsent
     */
    public boolean append(String jobId, String jobName, List<LogRecord> records, long mask) {
        if (records.isEmpty() || mask == 0) {
            return true;
        }
        if (broken) {
            return false;
        }
        JobFile file = null;
        try {
            synchronized (jobs) { // held across the write: a drained file is never deleted under an append
                file = jobs.computeIfAbsent(jobId, id -> new JobFile(id, jobName));
                return file.append(records, mask);
            }
        } catch (IOException e) {
            broken("cannot write the spool of job " + jobId + " in " + dir + ": " + e.getMessage());
            file.discardAll();
            return false;
        }
    }

    /**
     * Up to {@code max} records of one job waiting for the sink, oldest first, now taken from the
     * spool (they are in the sink's queue from here on).
     */
    public List<LogRecord> take(String jobId, int sink, int max) {
        JobFile file;
        synchronized (jobs) {
            file = jobs.get(jobId);
        }
        if (file == null || max <= 0) {
            return List.of();
        }
        try {
            List<LogRecord> taken = file.take(sink, max);
            deleteIfDrained(file);
            return taken;
        } catch (IOException e) {
            // the records stay marked sent but unconfirmed: the job is not settled, a rollback re-offers them
            broken("cannot read the spool of job " + jobId + " in " + dir + ": " + e.getMessage());
            file.discardAll();
            deleteIfDrained(file);
            return List.of();
        }
    }

    /** The jobs with records waiting for the sink, in the order their files were made. */
    public List<String> jobsPending(int sink) {
        List<String> pending = new ArrayList<>();
        synchronized (jobs) {
            for (JobFile file : jobs.values()) {
                if (file.pending(sink)) {
                    pending.add(file.jobId);
                }
            }
        }
        return pending;
    }

    /** After the sink's failed batch: forgets what every job's file holds for it. */
    public void discard(int sink) {
        List<JobFile> files;
        synchronized (jobs) {
            files = new ArrayList<>(jobs.values());
        }
        for (JobFile file : files) {
            file.discard(sink);
            deleteIfDrained(file);
        }
    }

    /**
     * Sort runs for one response of a job, in this spool's directory and within its byte budget;
     * closing them deletes their file and frees their bytes.
     */
    public SortRuns sortRuns(String jobId, String jobName) {
        return new SortRuns(this, jobId, jobName);
    }

    /** A new file name in the spool's directory, for sort runs (which {@link #reserve} their bytes first). */
    Path newRunFile() {
        return dir.resolve(fileNames.incrementAndGet() + ".run");
    }

    boolean posix() {
        return posix;
    }

    /** Reserves {@code bytes} of the budget; false when they do not fit (nothing reserved). */
    boolean reserve(long bytes) {
        if (broken || usedBytes.addAndGet(bytes) > maxBytes) {
            usedBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void release(long bytes) {
        usedBytes.addAndGet(-bytes);
    }

    /** Drops a job's file (retired, or forgotten). */
    public void remove(String jobId) {
        JobFile file;
        synchronized (jobs) {
            file = jobs.get(jobId);
        }
        if (file != null) {
            file.discardAll();
            deleteIfDrained(file);
        }
    }

    private void deleteIfDrained(JobFile file) {
        synchronized (jobs) {
            if (file.drained() && jobs.get(file.jobId) == file) {
                jobs.remove(file.jobId);
                file.delete();
            }
        }
    }

    /** Marks the spool unusable after a failed write or read, saying why once. */
    void broken(String why) {
        if (!broken) {
            LOG.warnf("The spool is not usable, so backlogs are taken in slices, each a fresh fetch: %s", why);
        }
        broken = true;
    }

    @Override
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(JobFile::delete);
            jobs.clear();
        }
    }

    /**
     * One job's spool: its entries in segment files, oldest first, and each sink's read position
     * (an offset into the job's entries as one sequence). A segment every sink has read past is
     * deleted and its bytes freed at once, so a backlog that keeps spilling while the sinks drain
     * it never holds more than they have still to read.
     */
    private final class JobFile {
        final String jobId;
        final String jobName;
        private final ArrayDeque<Segment> segments = new ArrayDeque<>(); // the last one is written
        private final long[] positions = new long[64]; // per sink: the next entry to read
        private long wanted;                        // sinks that still have entries ahead of them

        JobFile(String jobId, String jobName) {
            this.jobId = jobId;
            this.jobName = jobName;
        }

        synchronized boolean pending(int sink) {
            return (wanted & (1L << sink)) != 0;
        }

        synchronized boolean drained() {
            return wanted == 0;
        }

        synchronized boolean append(List<LogRecord> records, long mask) throws IOException {
            long size = bound(records);
            if (!reserve(size)) {
                return false;
            }
            Segment segment = segments.peekLast();
            if (segment == null || segment.length() >= segmentBytes) {
                segment = new Segment(end(), dir.resolve(fileNames.incrementAndGet() + ".spool"));
                segments.addLast(segment);
            }
            segment.accounted += size;
            long start = segment.end(); // the buffer is empty between appends
            segment.open();
            for (LogRecord record : records) {
                segment.writer.append(mask, record);
            }
            segment.writer.flush();
            for (int i = 0; i < 64; i++) {
                if ((mask & (1L << i)) != 0 && (wanted & (1L << i)) == 0) {
                    positions[i] = start; // a sink not reading this job yet starts at its first new entry
                }
            }
            wanted |= mask;
            return true;
        }

        synchronized List<LogRecord> take(int sink, int max) throws IOException {
            long bit = 1L << sink;
            List<LogRecord> taken = new ArrayList<>(Math.min(max, 1024));
            if ((wanted & bit) == 0) {
                return taken;
            }
            long at = positions[sink];
            long written = end();
            Iterator<Segment> ahead = segments.iterator();
            Segment segment = ahead.next();
            while (taken.size() < max && at < written) {
                while (at >= segment.end()) {
                    segment = ahead.next();
                }
                ByteBuffer entry = segment.entry(at);
                at = RecordFile.Reader.next(at, entry);
                if ((RecordFile.Reader.tag(entry) & bit) != 0) {
                    taken.add(RecordFile.Reader.decode(entry, jobId, jobName));
                }
            }
            positions[sink] = at;
            if (at >= written) {
                wanted &= ~bit;
            }
            dropSegmentsRead();
            return taken;
        }

        synchronized void discard(int sink) {
            wanted &= ~(1L << sink);
            dropSegmentsRead();
        }

        synchronized void discardAll() {
            wanted = 0;
            dropSegmentsRead();
        }

        /** Frees the bytes of every segment no sink has left to read, and deletes those before the last. */
        private void dropSegmentsRead() {
            long lowest = end();
            for (int i = 0; i < 64; i++) {
                if ((wanted & (1L << i)) != 0) {
                    lowest = Math.min(lowest, positions[i]);
                }
            }
            while (!segments.isEmpty() && segments.peekFirst().end() <= lowest) {
                Segment read = segments.peekFirst();
                release(read.accounted);
                read.accounted = 0;
                if (segments.size() == 1) {
                    break; // the one written: deleted with the job's file, or written on
                }
                segments.removeFirst().delete();
            }
        }

        /** The end of the job's entries: the last segment's (a segment is never emptied before it is deleted). */
        private long end() {
            return segments.isEmpty() ? 0 : segments.peekLast().end();
        }

        synchronized void delete() {
            for (Segment segment : segments) {
                segment.delete();
            }
            segments.clear();
        }
    }

    /** One file of a job's entries, from {@code start} on in the job's sequence. */
    private final class Segment {
        final long start;
        final Path path;
        long accounted; // bytes this file holds of the spool's budget
        private FileChannel channel;
        private RecordFile.Writer writer;
        private RecordFile.Reader reader;

        Segment(long start, Path path) {
            this.start = start;
            this.path = path;
        }

        void open() throws IOException {
            if (channel == null) {
                channel = PrivateFiles.createNew(path, posix);
                writer = new RecordFile.Writer(channel, 0, 64 * 1024);
            }
        }

        long length() {
            return writer == null ? 0 : writer.written();
        }

        long end() {
            return start + length();
        }

        ByteBuffer entry(long at) throws IOException {
            if (reader == null) {
                reader = new RecordFile.Reader(channel, READ_BUFFER);
            }
            return reader.entry(at - start);
        }

        void delete() {
            try {
                if (channel != null) {
                    channel.close();
                }
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the spool file " + path, e);
            }
        }
    }
}
