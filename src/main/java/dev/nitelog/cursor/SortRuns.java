package dev.nitelog.cursor;

import dev.nitelog.record.LogRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * An external sort's runs on local disk: new records of one response, written in runs that
 * are each sorted by time, and read back as one sequence in time order (equal times in the order
 * they were written). Lives in the spool's directory and within its byte budget: a run that does not
 * fit is refused. Not thread-safe; one poll uses it, and closes it to delete its file.
 */
public final class SortRuns implements AutoCloseable {
    /** Read buffer per run while merging: many runs merge in little memory. */
    private static final int RUN_READ_BUFFER = 16 * 1024;

    private final Spool spool;
    private final String jobId;
    private final String jobName;
    private final List<long[]> runs = new ArrayList<>(); // {start, end} file offsets
    private Path path;
    private FileChannel channel;
    private RecordFile.Writer writer;
    private long reserved;
    private long records;

    SortRuns(Spool spool, String jobId, String jobName) {
        this.spool = spool;
        this.jobId = jobId;
        this.jobName = jobName;
    }

    /** Records written so far. */
    public long records() {
        return records;
    }

    /**
     * Writes one run, {@code sorted} by time.
     *
     * @return false when the spool has no room for it or cannot be written: nothing was written
     */
    public boolean add(List<LogRecord> sorted) {
        long bytes = RecordFile.bound(sorted);
        if (!spool.reserve(bytes)) {
            return false;
        }
        reserved += bytes;
        try {
            if (channel == null) {
                path = spool.newRunFile();
                channel = PrivateFiles.createNew(path, spool.posix());
                writer = new RecordFile.Writer(channel, 0, 64 * 1024);
            }
            long start = writer.written();
            for (LogRecord record : sorted) {
                writer.append(0, record);
            }
            writer.flush();
            runs.add(new long[] {start, writer.written()});
            records += sorted.size();
            return true;
        } catch (IOException e) {
            spool.broken("cannot write a sort run in the spool (" + path + "): " + e.getMessage());
            return false;
        }
    }

    /** The runs merged: every record written, in time order. */
    public Merge merge() {
        return new Merge();
    }

    @Override
    public void close() {
        spool.release(reserved);
        reserved = 0;
        runs.clear();
        if (channel != null) {
            try {
                channel.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                spool.broken("cannot delete " + path + ": " + e.getMessage());
            }
            channel = null;
        }
    }

    /** Reads the runs back in time order: one entry per run in memory, decoded only when taken. */
    public final class Merge implements java.util.Iterator<LogRecord> {
        private final PriorityQueue<Run> heads = new PriorityQueue<>();

        private Merge() {
            for (int i = 0; i < runs.size(); i++) {
                Run run = new Run(i, runs.get(i)[0], runs.get(i)[1]);
                if (run.advance()) {
                    heads.add(run);
                }
            }
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        /** The next record in time order. */
        @Override
        public LogRecord next() {
            Run run = heads.remove();
            LogRecord record = RecordFile.Reader.decode(run.entry, jobId, jobName);
            if (run.advance()) {
                heads.add(run);
            }
            return record;
        }
    }

    /** One run's read position and its current entry. */
    private final class Run implements Comparable<Run> {
        private final int index;
        private final long end;
        private final RecordFile.Reader reader = new RecordFile.Reader(channel, RUN_READ_BUFFER);
        private long at;
        ByteBuffer entry;
        private long seconds;
        private int nanos;

        Run(int index, long start, long end) {
            this.index = index;
            this.at = start;
            this.end = end;
        }

        /** Reads the next entry; false at the run's end. */
        boolean advance() {
            if (at >= end) {
                return false;
            }
            try {
                entry = reader.entry(at);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the sort run " + path, e);
            }
            at = RecordFile.Reader.next(at, entry);
            seconds = RecordFile.Reader.epochSecond(entry);
            nanos = RecordFile.Reader.nano(entry);
            return true;
        }

        @Override
        public int compareTo(Run other) {
            int bySecond = Long.compare(seconds, other.seconds);
            if (bySecond != 0) {
                return bySecond;
            }
            int byNano = Integer.compare(nanos, other.nanos);
            return byNano != 0 ? byNano : Integer.compare(index, other.index);
        }
    }
}
