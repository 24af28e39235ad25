package dev.nitelog.bytenite;

import dev.nitelog.record.Service;

import java.util.List;

/**
 * Which part of a job's log one {@code POST /logs} asks for, within the configured filters: some
 * services, and of the task runner some tasks. A job whose whole log does not fit
 * {@code nitelog.bytenite.max-response-bytes} is fetched in parts that do.
 *
 * @param services the services asked for; empty for every configured one
 * @param taskIds  the task runner's tasks asked for; empty for every configured one
 */
public record LogPart(List<Service> services, List<String> taskIds) {
    /** The whole log, as configured. */
    public static final LogPart WHOLE = new LogPart(List.of(), List.of());

    public LogPart {
        services = List.copyOf(services);
        taskIds = List.copyOf(taskIds);
    }

    /** One service's log, every task of it. */
    public static LogPart of(Service service) {
        return new LogPart(List.of(service), List.of());
    }

    /** These tasks' task runner logs. */
    public static LogPart tasks(List<String> taskIds) {
        return new LogPart(List.of(Service.TASKRUNNER), taskIds);
    }

    /** True for the whole log. */
    public boolean whole() {
        return services.isEmpty() && taskIds.isEmpty();
    }

    /** True when the part is one array of the response: one task, or one service other than the task runner. */
    public boolean single() {
        return taskIds.size() == 1 || (services.size() == 1 && services.get(0) != Service.TASKRUNNER);
    }

    @Override
    public String toString() {
        return whole() ? "the whole log" : !taskIds.isEmpty() ? taskIds.size() + " task(s)" : "service " + services;
    }
}
