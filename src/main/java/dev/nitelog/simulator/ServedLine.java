package dev.nitelog.simulator;

import java.time.Instant;

/**
 * One log line the simulator has made visible in a job's {@code /logs} responses, exactly as
 * served: the timestamp already carries the served precision. Exact repeats appear as separate
 * entries.
 *
 * @param service   the service stream the line belongs to
 * @param taskId    the task id for {@link LogService#TASKRUNNER} lines, null otherwise
 * @param container the {@code container} field (empty for app output)
 * @param timestamp the served timestamp
 * @param level     the served {@code level} string
 * @param message   the served {@code log} string
 * @param visibleAt when the line first appeared in responses
 */
public record ServedLine(
        LogService service,
        String taskId,
        String container,
        Instant timestamp,
        String level,
        String message,
        Instant visibleAt) {
}
