package dev.nitelog.cursor;

import dev.nitelog.record.Service;
import dev.nitelog.record.StreamKey;

import java.util.Objects;

/**
 * One array of a {@code /logs} response: a service's lines, or one task's (every container of it).
 *
 * @param taskId the task runner's task id; null for the partitioner and the assembler
 */
public record ArrayRef(Service service, String taskId) {

    /** True when the stream's lines arrive in this array. */
    boolean holds(StreamKey stream) {
        return stream.service() == service && Objects.equals(stream.taskId(), taskId);
    }
}
