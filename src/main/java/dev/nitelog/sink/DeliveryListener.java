package dev.nitelog.sink;

import dev.nitelog.record.LogRecord;

import java.util.List;

/** Told by a {@link SinkWorker} what became of its batches; the pipeline moves cursors with it. */
public interface DeliveryListener {

    /** The sink confirmed these records (durable or dead-lettered). */
    void delivered(String sink, List<LogRecord> records);

    /**
     * A batch's write returned: {@code records} (those the sink's filters skip included) got as far
     * as the sink's {@link Sink#writeReach()}, not yet flushed; {@link #delivered} follows after the
     * flush, {@link #failed} instead if one fails. {@code records} is valid only during the call.
     */
    default void handedOff(String sink, List<LogRecord> records) {
    }

    /**
     * A batch failed: every record queued or in flight for this sink was dropped and must be
     * offered again by a later poll.
     */
    void failed(String sink, SinkException error);

    /** A failure dropped this many queued, written-but-unflushed or in-flight records; later polls offer them again. */
    default void retrying(String sink, int records) {
    }

    /** The queue is at most half full: records waiting elsewhere for this sink (a spool) may come now. */
    default void roomAvailable(String sink) {
    }

    /** One write call returned after {@code nanos}; for the batch-latency metric. */
    default void written(String sink, int records, long nanos) {
    }
}
