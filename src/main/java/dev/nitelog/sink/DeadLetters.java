package dev.nitelog.sink;

import dev.nitelog.record.LogRecord;

/** Receives records a sink rejects for good; never drops them. */
@FunctionalInterface
public interface DeadLetters {

    /**
     * Keeps the record with the reason (the destination's own words where it gave any).
     *
     * @throws SinkException the dead letter could not be kept either; the batch then fails
     */
    void reject(LogRecord record, String reason) throws SinkException;
}
