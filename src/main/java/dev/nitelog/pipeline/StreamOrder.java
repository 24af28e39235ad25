package dev.nitelog.pipeline;

import dev.nitelog.bytenite.RecordChunks;
import dev.nitelog.cursor.SortRuns;
import dev.nitelog.cursor.Spool;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.StreamKey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Hands one response's new records on to the offer in time order per stream, whatever order the
 * API lists them in, in bounded memory.
 *
 * <p>Why: the API's order is unspecified (Loki may list a stream newest first), while a stream's
 * cursor takes a record older than the stream's newest by more than the lateness for late, and a
 * sink confirms its queue in order. So each stream's records must reach the cursors oldest first.
 *
 * <p>How: new records are buffered up to {@code bufferBytes} (and at least two of the parser's
 * chunks, since each chunk is sorted and only chunks show the order). A response whose new records
 * fit is sorted in memory when it ends. Once they outgrow the buffer, if every stream came in time
 * order so far the records are handed on as the parser makes them (its chunks are sorted); otherwise, and as
 * soon as a stream steps back in time later, the rest are sorted externally: written to the spool's
 * directory in sorted runs (within its byte budget) and merged when the response ends. A record of a
 * stream already handed on that is older than that stream's newest by more than the lateness is still
 * counted late by its cursor. When the offer refuses a chunk, nothing more is handed on: the rest of
 * the response is deferred to later polls, which fetch it again. When the runs find no room (the spool
 * full or not writable), the response's oldest records that fit the buffer are kept instead
 * ({@link OldestRecords}) and handed on when it ends, and the rest deferred: each poll then takes the
 * next oldest part of a response too big to sort, so it is shipped in slices, never stuck.
 */
final class StreamOrder implements RecordChunks, AutoCloseable {
    private static final Comparator<LogRecord> BY_TIME = Comparator.comparing(LogRecord::timestamp);

    private enum Mode { BUFFERING, STREAMING, SORTING, KEEPING_OLDEST }

    private final RecordChunks offer;
    private final Spool spool;
    private final JobRef job;
    private final long bufferBytes;
    private final List<LogRecord> buffer = new ArrayList<>();
    private long bufferedBytes;
    private final Map<StreamKey, Instant> newest = new HashMap<>();
    private StreamKey lastStream;
    private Instant lastStreamNewest;
    private boolean inOrder = true;
    private Mode mode = Mode.BUFFERING;
    private SortRuns runs;
    private OldestRecords oldest;
    private boolean refused;
    private int chunks;
    private long deferred;
    private long sorted;

    StreamOrder(RecordChunks offer, Spool spool, JobRef job, long bufferBytes) {
        this.offer = offer;
        this.spool = spool;
        this.job = job;
        this.bufferBytes = bufferBytes;
    }

    /** Records of the response not handed on because the offer or the runs took no more. */
    long deferred() {
        return deferred;
    }

    /** Whether the runs found no room, so only the response's oldest records were handed on. */
    boolean keptOldestOnly() {
        return oldest != null;
    }

    /** Records that went through sort runs on disk. */
    long sortedOnDisk() {
        return sorted;
    }

    @Override
    public boolean accept(List<LogRecord> chunk) {
        if (refused) {
            deferred += chunk.size();
            return false;
        }
        chunks++;
        if (mode == Mode.KEEPING_OLDEST) {
            chunk.forEach(oldest::add);
            return true; // read on to the end: an older record may come last
        }
        for (int i = 0; i < chunk.size(); i++) {
            LogRecord record = chunk.get(i);
            noteOrder(record);
            buffer.add(record);
            bufferedBytes += record.approximateBytes();
        }
        if (mode == Mode.STREAMING && !inOrder) {
            mode = Mode.SORTING; // a stream stepped back: sort the rest of the response
        }
        if (mode == Mode.STREAMING) {
            handOn(); // the parser's chunk, in its order: sorted by time
        } else if (bufferedBytes >= bufferBytes && (mode == Mode.SORTING || chunks >= 2)) {
            overflow(); // decided on two chunks at least: each is sorted, so only chunks show the order
        }
        return !refused;
    }

    /** Hands on what is held, once the response was read to its end. */
    void finish() {
        if (refused) {
            return;
        }
        if (mode == Mode.SORTING && !buffer.isEmpty()) {
            writeRun(); // the last run; without room, only the oldest records are kept instead
        }
        switch (mode) {
            case KEEPING_OLDEST -> handOnOldest();
            case SORTING -> handOnInChunks(runs.merge(), runs.records());
            default -> {
                buffer.sort(BY_TIME); // stable: equal times keep the response's order
                handOn();
            }
        }
    }

    @Override
    public void close() {
        if (runs != null) {
            runs.close();
            runs = null;
        }
        buffer.clear();
    }

    /** Whether every stream's records came in time order so far (a step back is remembered). */
    private void noteOrder(LogRecord record) {
        if (lastStream == null || !lastStream.holds(record)) {
            if (lastStream != null) {
                newest.put(lastStream, lastStreamNewest);
            }
            lastStream = StreamKey.of(record);
            lastStreamNewest = newest.get(lastStream);
        }
        if (lastStreamNewest == null || !record.timestamp().isBefore(lastStreamNewest)) {
            lastStreamNewest = record.timestamp();
        } else {
            inOrder = false;
        }
    }

    private void overflow() {
        if (mode == Mode.BUFFERING) {
            mode = inOrder ? Mode.STREAMING : Mode.SORTING;
        }
        if (mode == Mode.STREAMING) {
            buffer.sort(BY_TIME);
            handOn();
        } else {
            writeRun();
        }
    }

    private void writeRun() {
        buffer.sort(BY_TIME);
        if (runs == null) {
            runs = spool.sortRuns(job.id(), job.name());
        }
        if (runs.add(buffer)) {
            sorted += buffer.size();
        } else {
            keepOldest();
        }
        clearBuffer();
    }

    /**
     * The runs found no room: from now on only the response's oldest records are kept, in memory.
     * Those already in runs are read back oldest first, and the runs deleted to free the spool.
     */
    private void keepOldest() {
        mode = Mode.KEEPING_OLDEST;
        oldest = new OldestRecords(bufferBytes);
        SortRuns.Merge merge = runs.merge();
        long read = 0;
        while (merge.hasNext() && !oldest.overflowed()) {
            oldest.add(merge.next());
            read++;
        }
        oldest.leaveOut(runs.records() - read); // at or after the cutoff: the merge is in time order
        runs.close();
        runs = null;
        buffer.forEach(oldest::add);
    }

    private void handOnOldest() {
        deferred += oldest.leftOut();
        List<LogRecord> kept = oldest.oldestFirst();
        handOnInChunks(kept.iterator(), kept.size());
    }

    /** Hands {@code total} records on in chunks, in their order, until the offer refuses one. */
    private void handOnInChunks(Iterator<LogRecord> records, long total) {
        long handed = 0;
        List<LogRecord> chunk = new ArrayList<>(RecordChunks.SIZE);
        while (records.hasNext()) {
            chunk.add(records.next());
            if (chunk.size() == RecordChunks.SIZE || !records.hasNext()) {
                handed += chunk.size();
                if (!offer.accept(chunk)) {
                    refuse(total - handed);
                    return;
                }
                chunk = new ArrayList<>(RecordChunks.SIZE);
            }
        }
    }

    private void handOn() {
        if (!buffer.isEmpty() && !offer.accept(new ArrayList<>(buffer))) {
            refuse(0);
        }
        clearBuffer();
    }

    private void refuse(long records) {
        refused = true;
        deferred += records;
    }

    private void clearBuffer() {
        buffer.clear();
        bufferedBytes = 0;
    }
}
