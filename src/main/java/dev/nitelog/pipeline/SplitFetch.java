package dev.nitelog.pipeline;

import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.LogLayout;
import dev.nitelog.bytenite.LogPart;
import dev.nitelog.record.Service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one job whose whole {@code /logs} response is cut at {@code max-response-bytes} is fetched
 * in parts that fit: the partitioner and the assembler together (apart once that is cut too),
 * then the task runner's tasks in groups packed by their last known sizes. A group that still
 * comes back cut is halved until one task is left; a task, or a service, that alone does not fit
 * is taken as cut. Tasks are known only as keys of the responses: a response cut at the limit is
 * passed over to its end to list them and their sizes ({@link LogLayout}). The task runner is
 * listed so when the job is first split, every {@link #LIST_EVERY} rounds while it runs (tasks
 * keep starting), and once after it turned terminal. Used by one poll of the job at a time.
 */
final class SplitFetch {
    /** Rounds between two listings of a running job's tasks: a listing reads the task runner's whole body. */
    static final int LIST_EVERY = 4;

    private long limit;
    /** Each task's last known array size in bytes, in the order the API lists them. */
    private final Map<String, Long> taskBytes = new LinkedHashMap<>();
    private int roundsSinceListing;
    private boolean listedAfterEnd;
    /** Parts that alone did not fit in the last round, with what was known to lie beyond their cut. */
    private List<Cut> cuts = List.of();

    /** A part that alone did not fit: its lines and bytes beyond the cut, as far as its body was passed over. */
    record Cut(LogPart part, long lines, long bytes) {
    }

    /** @param first the cut response of the whole log, which listed its arrays */
    SplitFetch(LogFetch first) {
        learn(first);
        roundsSinceListing = 0;
    }

    /** Takes in the limit and the tasks' sizes a response told. */
    void learn(LogFetch fetch) {
        if (fetch.truncated()) {
            limit = Math.max(limit, fetch.responseBytes()); // bytes read up to the cut: the limit
        }
        LogLayout layout = fetch.layout();
        for (LogLayout.Array array : layout.arrays()) {
            if (array.service() == Service.TASKRUNNER && array.taskId() != null) {
                taskBytes.put(array.taskId(), array.bytes() < 0 ? limit : array.bytes());
            }
        }
        LogLayout.Array cutIn = layout.cutIn();
        if (cutIn != null && cutIn.service() == Service.TASKRUNNER && cutIn.taskId() != null) {
            taskBytes.putIfAbsent(cutIn.taskId(), limit); // its size unknown: as large as a whole response
        }
    }

    /** Whether this round lists the task runner first; {@code ended}: the job turned terminal. */
    boolean listingDue(boolean ended) {
        if (ended && !listedAfterEnd) {
            listedAfterEnd = true; // the last tasks may have started since the last listing
            return true;
        }
        return ++roundsSinceListing > LIST_EVERY;
    }

    /** A listing was made this round. */
    void listed() {
        roundsSinceListing = 0;
    }

    /** The parts of one round: the services without tasks, then every known task in groups that should fit. */
    List<LogPart> parts() {
        List<LogPart> parts = new ArrayList<>();
        parts.add(new LogPart(List.of(Service.PARTITIONER, Service.ASSEMBLER), List.of()));
        long budget = Math.max(1, limit / 4 * 3); // room for the logs to grow until the next listing
        List<String> group = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Long> task : taskBytes.entrySet()) {
            if (!group.isEmpty() && bytes + task.getValue() > budget) {
                parts.add(LogPart.tasks(group));
                group = new ArrayList<>();
                bytes = 0;
            }
            group.add(task.getKey());
            bytes += task.getValue();
        }
        if (!group.isEmpty()) {
            parts.add(LogPart.tasks(group));
        }
        return parts;
    }

    /** A part that came back cut, in two that may fit: its services apart, or its tasks halved. */
    static List<LogPart> halves(LogPart part) {
        if (part.taskIds().isEmpty()) {
            return part.services().stream().map(LogPart::of).toList();
        }
        List<String> tasks = part.taskIds();
        int half = tasks.size() / 2;
        return List.of(LogPart.tasks(tasks.subList(0, half)), LogPart.tasks(tasks.subList(half, tasks.size())));
    }

    /** The parts that alone did not fit in the round just made. */
    void cuts(List<Cut> cuts) {
        this.cuts = List.copyOf(cuts);
    }

    List<Cut> cuts() {
        return cuts;
    }
}
