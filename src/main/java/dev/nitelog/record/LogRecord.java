package dev.nitelog.record;

import java.time.Instant;

/**
 * One normalised ByteNite log line: the unit every sink receives.
 *
 * @param id        stable identity, see {@link RecordId}
 * @param timestamp as ByteNite (Loki) stamped it, full nanosecond precision
 * @param jobId     the job's id
 * @param jobName   the job's name (the id when the job has none)
 * @param service   which part of the job wrote the line
 * @param taskId    the task runner's task id; null for the partitioner and the assembler
 * @param container the container name; empty for app output
 * @param level     the level ByteNite assigned
 * @param message   the line itself, unmodified up to {@code nitelog.bytenite.max-line-bytes}
 * @param cutBytes  bytes of the line as served (its JSON text) dropped past that bound; 0 for a
 *                  whole line
 */
public record LogRecord(
        RecordId id,
        Instant timestamp,
        String jobId,
        String jobName,
        Service service,
        String taskId,
        String container,
        Level level,
        String message,
        long cutBytes) {

    /** A whole line. */
    public LogRecord(RecordId id, Instant timestamp, String jobId, String jobName, Service service, String taskId,
                     String container, Level level, String message) {
        this(id, timestamp, jobId, jobName, service, taskId, container, level, message, 0);
    }

    /** True when the line was longer than the bound and {@link #message()} holds only its start. */
    public boolean cut() {
        return cutBytes > 0;
    }

    /**
     * A rough count of the heap bytes this record holds, used to bound sink queues by size
     * without serialising the record twice.
     */
    public int approximateBytes() {
        return 96 + 2 * (message.length() + container.length() + jobId.length()
                + (taskId == null ? 0 : taskId.length()));
    }
}
