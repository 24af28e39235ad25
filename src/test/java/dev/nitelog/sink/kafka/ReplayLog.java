package dev.nitelog.sink.kafka;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.DeliveryListener;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkWorker;

import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the poller and one sink's cursor: a growing, replayable log with a sent and a
 * committed position. A failed batch rolls sent back to committed, so the records are offered
 * again, as the pipeline does.
 */
final class ReplayLog implements DeliveryListener {
    private final List<LogRecord> log = new ArrayList<>();
    private int sent;
    private int committed;
    private int rolledBack;
    private int failures;

    synchronized void append(List<LogRecord> records) {
        log.addAll(records);
    }

    /** Offers what the worker has room for. */
    void feed(SinkWorker worker) {
        worker.offer(this::take);
    }

    private synchronized List<LogRecord> take(int room) {
        int to = Math.min(log.size(), sent + room);
        List<LogRecord> out = new ArrayList<>(log.subList(sent, to));
        sent = to;
        return out;
    }

    @Override
    public synchronized void delivered(String sink, List<LogRecord> records) {
        if (!records.isEmpty() && records.get(0) != log.get(committed)) {
            throw new AssertionError(sink + " confirmed records out of order at " + committed);
        }
        committed += records.size();
    }

    @Override
    public synchronized void failed(String sink, SinkException error) {
        rolledBack += sent - committed;
        sent = committed;
        failures++;
    }

    synchronized int size() {
        return log.size();
    }

    synchronized int committed() {
        return committed;
    }

    /** Records that were handed to the sink and then offered again after a failure. */
    synchronized int rolledBack() {
        return rolledBack;
    }

    synchronized int failures() {
        return failures;
    }

    synchronized List<LogRecord> all() {
        return List.copyOf(log);
    }
}
