package dev.nitelog.sink;

import dev.nitelog.record.LogRecord;

import java.util.List;

/**
 * Records handed to one {@link Sink#write} call.
 *
 * @param records     non-empty, in timestamp order per job
 * @param deadLetters where the sink puts a record it rejects permanently (a mapping error, an
 *                    oversized message); such a record counts as delivered for the cursor
 */
public record SinkBatch(List<LogRecord> records, DeadLetters deadLetters) {
    public SinkBatch {
        records = List.copyOf(records);
    }
}
