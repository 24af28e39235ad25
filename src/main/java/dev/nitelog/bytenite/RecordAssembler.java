package dev.nitelog.bytenite;

import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the kept lines of one response, ids already assigned by the parser (which numbers
 * identical lines as it reads them), and sorts them by timestamp. The sort is stable, so equal
 * timestamps keep the response's order.
 */
final class RecordAssembler {
    private static final Comparator<LogRecord> BY_TIME = Comparator.comparing(LogRecord::timestamp);

    private final JobRef job;
    private final List<LogRecord> records = new ArrayList<>();

    RecordAssembler(JobRef job) {
        this.job = job;
    }

    void add(RecordId id, Instant timestamp, Service service, String taskId, String container, Level level,
             String message, long cutBytes) {
        records.add(new LogRecord(id, timestamp, job.id(), job.name(), service, taskId, container, level, message,
                cutBytes));
    }

    /** The records, sorted. */
    List<LogRecord> records() {
        records.sort(BY_TIME);
        return records;
    }

    int size() {
        return records.size();
    }

    /** The records so far, sorted, handed over; the assembler starts empty again. */
    List<LogRecord> drain() {
        List<LogRecord> chunk = new ArrayList<>(records);
        chunk.sort(BY_TIME);
        records.clear();
        return chunk;
    }
}
