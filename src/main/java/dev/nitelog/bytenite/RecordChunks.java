package dev.nitelog.bytenite;

import dev.nitelog.record.LogRecord;

import java.util.List;

/**
 * Takes a response's new records while it is parsed, a bounded chunk at a time, so a response of
 * any size never sits in the heap as records: each chunk is sorted by timestamp and in response
 * order of its streams.
 */
@FunctionalInterface
public interface RecordChunks {

    /** Records per chunk. */
    int SIZE = 1024;

    /**
     * Takes no chunk: the parser keeps every record in {@link LogFetch#records()}, sorted, for a
     * caller that reads a response whole (tests, tools).
     */
    RecordChunks KEEP = chunk -> {
        throw new IllegalStateException("RecordChunks.KEEP is never handed a chunk");
    };

    /**
     * @return false when the chunk could not be taken (no room left anywhere): the parser then
     *         makes no more records of this response and counts the rest as deferred
     */
    boolean accept(List<LogRecord> chunk);
}
