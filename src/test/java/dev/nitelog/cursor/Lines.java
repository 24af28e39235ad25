package dev.nitelog.cursor;

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

/** Builds records the way the ByteNite client does: sorted by time, ids with occurrence numbers. */
final class Lines {

    static final Instant T0 = Instant.parse("2025-07-11T16:00:00.000000001Z");

    /** One line as the API returns it, before the client gives it an id. */
    record Line(String jobId, Service service, String taskId, String container, Instant timestamp, String message) {
        static Line of(String jobId, long secondsAfterT0, String container, String message) {
            return new Line(jobId, Service.TASKRUNNER, "task-1", container, T0.plusSeconds(secondsAfterT0), message);
        }
    }

    private Lines() {
    }

    /** The client rule: stable sort by timestamp, occurrence = identical lines earlier in the response. */
    static List<LogRecord> response(List<Line> lines) {
        List<Line> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing(Line::timestamp));
        Map<Line, Integer> seen = new HashMap<>();
        List<LogRecord> records = new ArrayList<>(sorted.size());
        for (Line line : sorted) {
            int occurrence = seen.merge(line, 1, Integer::sum) - 1;
            records.add(record(line, occurrence));
        }
        return records;
    }

    static LogRecord record(Line line, int occurrence) {
        RecordId id = RecordId.of(line.jobId(), line.service(), line.taskId(), line.container(),
                line.timestamp(), line.message(), Level.INFO, occurrence);
        return new LogRecord(id, line.timestamp(), line.jobId(), line.jobId(), line.service(), line.taskId(),
                line.container(), Level.INFO, line.message());
    }
}
