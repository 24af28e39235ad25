package dev.nitelog.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * A log line a test hands to {@link ByteNiteSimulator#addJob} or
 * {@link ByteNiteSimulator#appendLines}. The timestamp is served with the configured precision
 * (truncated if finer); {@link ServedLine} tells what was served.
 *
 * @param service   which stream
 * @param taskId    required for {@link LogService#TASKRUNNER}, ignored otherwise
 * @param container the {@code container} field, empty for app output
 * @param timestamp the line's timestamp
 * @param level     the {@code level} string; any string, so clients can meet unknown levels
 * @param message   the {@code log} string
 */
public record ScriptedLine(
        LogService service,
        String taskId,
        String container,
        Instant timestamp,
        String level,
        String message) {

    /** Validates the fields; a task line needs a task id. */
    public ScriptedLine {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(timestamp, "timestamp");
        container = container == null ? "" : container;
        level = level == null ? "UNKNOWN" : level;
        Objects.requireNonNull(message, "message");
        if (service == LogService.TASKRUNNER && (taskId == null || taskId.isEmpty())) {
            throw new IllegalArgumentException("a TASKRUNNER line needs a taskId");
        }
        taskId = service == LogService.TASKRUNNER ? taskId : null;
    }

    /** A partitioner app line (level UNKNOWN, empty container). */
    public static ScriptedLine partitioner(Instant timestamp, String message) {
        return new ScriptedLine(LogService.PARTITIONER, null, "", timestamp, "UNKNOWN", message);
    }

    /** An assembler app line (level UNKNOWN, empty container). */
    public static ScriptedLine assembler(Instant timestamp, String message) {
        return new ScriptedLine(LogService.ASSEMBLER, null, "", timestamp, "UNKNOWN", message);
    }

    /** A task runner line. */
    public static ScriptedLine task(String taskId, Instant timestamp, String level, String container,
                                    String message) {
        return new ScriptedLine(LogService.TASKRUNNER, taskId, container, timestamp, level, message);
    }
}
