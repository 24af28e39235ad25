package dev.nitelog.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's accumulated log. Each stream is kept sorted by timestamp, so a late line lands among
 * older ones as Loki would return it; a separate list keeps the order of visibility for
 * inspection. Readers take an immutable snapshot, reused while nothing changes, so rendering
 * never holds the lock while writing to a socket.
 */
final class JobLog {

    private final List<List<Line>> streams = new ArrayList<>();
    private final List<String> taskIds = new ArrayList<>();
    private final Map<String, Integer> taskIndex = new HashMap<>();
    private final List<Line> visible = new ArrayList<>();
    private long version;
    private Snapshot snapshot;

    JobLog() {
        streams.add(new ArrayList<>());
        streams.add(new ArrayList<>());
    }

    /** A frozen view of the log at one version. */
    record Snapshot(long version, Line[] partitioner, Line[] assembler, List<String> taskIds, Line[][] tasks) {
    }

    /** The stream index of the partitioner or the assembler: one stream each, whatever the task. */
    int stream(LogService service) {
        if (service == LogService.TASKRUNNER) {
            throw new IllegalArgumentException("a TASKRUNNER stream needs a task id");
        }
        return stream(service, "");
    }

    /** The stream index of a service (and task), created on first use. */
    synchronized int stream(LogService service, String taskId) {
        switch (service) {
            case PARTITIONER:
                return Line.PARTITIONER;
            case ASSEMBLER:
                return Line.ASSEMBLER;
            default:
                Integer index = taskIndex.get(taskId);
                if (index == null) {
                    index = streams.size();
                    taskIndex.put(taskId, index);
                    taskIds.add(taskId);
                    streams.add(new ArrayList<>());
                }
                return index;
        }
    }

    synchronized void add(Line line) {
        List<Line> stream = streams.get(line.stream());
        stream.add(upperBound(stream, line), line);
        visible.add(line);
        version++;
    }

    /** First index whose line is stamped after {@code line}: equal stamps keep arrival order. */
    private static int upperBound(List<Line> stream, Line line) {
        int size = stream.size();
        if (size == 0 || stream.get(size - 1).compareTime(line.epochSecond(), line.nanos()) <= 0) {
            return size;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stream.get(mid).compareTime(line.epochSecond(), line.nanos()) > 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    synchronized long version() {
        return version;
    }

    synchronized int size() {
        return visible.size();
    }

    synchronized Snapshot snapshot() {
        if (snapshot == null || snapshot.version() != version) {
            Line[][] tasks = new Line[taskIds.size()][];
            for (int i = 0; i < tasks.length; i++) {
                tasks[i] = streams.get(Line.FIRST_TASK + i).toArray(Line[]::new);
            }
            snapshot = new Snapshot(version, streams.get(Line.PARTITIONER).toArray(Line[]::new),
                    streams.get(Line.ASSEMBLER).toArray(Line[]::new), List.copyOf(taskIds), tasks);
        }
        return snapshot;
    }

    synchronized List<ServedLine> served() {
        List<ServedLine> out = new ArrayList<>(visible.size());
        for (Line l : visible) {
            out.add(new ServedLine(serviceOf(l.stream()), taskIdOf(l.stream()), l.container(), l.instant(),
                    l.level(), l.message(), Instant.ofEpochMilli(l.visibleAtMillis())));
        }
        return out;
    }

    private static LogService serviceOf(int stream) {
        return stream == Line.PARTITIONER ? LogService.PARTITIONER
                : stream == Line.ASSEMBLER ? LogService.ASSEMBLER : LogService.TASKRUNNER;
    }

    private String taskIdOf(int stream) {
        return stream >= Line.FIRST_TASK ? taskIds.get(stream - Line.FIRST_TASK) : null;
    }
}
