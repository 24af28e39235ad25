package dev.nitelog.bytenite;

import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the kept lines of one response, then sorts them by timestamp (stable, so equal
 * timestamps keep the response's order) and gives each its occurrence number and id. Identical
 * lines share a timestamp, so occurrences are counted only within runs of equal timestamps:
 * pairwise for the usual short runs, with a map for long ones.
 */
final class RecordAssembler {
    /** Runs up to this long are compared pairwise; quadratic, but cheaper than hashing messages. */
    private static final int PAIRWISE_RUN = 16;
    private static final Comparator<Line> BY_TIME = Comparator.comparing(Line::timestamp);

    private final JobRef job;
    private final List<Line> lines = new ArrayList<>();

    RecordAssembler(JobRef job) {
        this.job = job;
    }

    void add(Instant timestamp, Service service, String taskId, String container, Level level, String message) {
        lines.add(new Line(timestamp, service, taskId, container, level, message));
    }

    /** The records, sorted, with ids. */
    List<LogRecord> records() {
        lines.sort(BY_TIME);
        int n = lines.size();
        List<LogRecord> out = new ArrayList<>(n);
        int start = 0;
        while (start < n) {
            int end = start + 1;
            Instant t = lines.get(start).timestamp();
            while (end < n && lines.get(end).timestamp().equals(t)) {
                end++;
            }
            emitRun(start, end, out);
            start = end;
        }
        return out;
    }

    private void emitRun(int start, int end, List<LogRecord> out) {
        if (end - start <= PAIRWISE_RUN) {
            for (int i = start; i < end; i++) {
                Line line = lines.get(i);
                int occurrence = 0;
                for (int j = start; j < i; j++) {
                    if (line.sameIdentity(lines.get(j))) {
                        occurrence++;
                    }
                }
                out.add(toRecord(line, occurrence));
            }
            return;
        }
        Map<Identity, Integer> seen = new HashMap<>();
        for (int i = start; i < end; i++) {
            Line line = lines.get(i);
            int occurrence = seen.merge(line.identity(), 1, Integer::sum) - 1;
            out.add(toRecord(line, occurrence));
        }
    }

    private LogRecord toRecord(Line line, int occurrence) {
        RecordId id = RecordId.of(job.id(), line.service(), line.taskId(), line.container(), line.timestamp(),
                line.message(), occurrence);
        return new LogRecord(id, line.timestamp(), job.id(), job.name(), line.service(), line.taskId(),
                line.container(), line.level(), line.message());
    }

    /** The identity tuple without the timestamp, which is equal within a run. */
    private record Identity(Service service, String taskId, String container, String message) {
    }

    private record Line(Instant timestamp, Service service, String taskId, String container, Level level,
                        String message) {
        boolean sameIdentity(Line other) {
            return service == other.service && java.util.Objects.equals(taskId, other.taskId)
                    && container.equals(other.container) && message.equals(other.message);
        }

        Identity identity() {
            return new Identity(service, taskId, container, message);
        }
    }
}
