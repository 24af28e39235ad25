package dev.nitelog.record;

import java.util.Objects;

/**
 * What one writer emits in order: a job's service, its task (null for the partitioner and the
 * assembler) and its container. Cursors are kept per stream, so clocks of different writers never
 * meet: a task whose clock runs ahead moves only its own stream's high water.
 *
 * @param service   the part of the job that wrote the lines
 * @param taskId    the task runner's task id; null for the partitioner and the assembler
 * @param container the container name; empty for app output
 */
public record StreamKey(Service service, String taskId, String container) {

    public StreamKey {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(container, "container");
    }

    /** The stream a record belongs to. */
    public static StreamKey of(LogRecord record) {
        return new StreamKey(record.service(), record.taskId(), record.container());
    }

    /** True when {@code record} belongs to this stream; allocates nothing. */
    public boolean holds(LogRecord record) {
        return service == record.service() && Objects.equals(taskId, record.taskId())
                && container.equals(record.container());
    }

    @Override
    public String toString() {
        return service.jsonName() + (taskId == null ? "" : "/" + taskId) + (container.isEmpty() ? "" : "/" + container);
    }
}
