package dev.nitelog.sink.elasticsearch;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.DeliveryListener;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkWorker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the pipeline does for one sink, in miniature: records produced so far stay pending until
 * the worker reports them delivered; a failure rolls the in-flight ones back so that the next
 * offer hands them out again (the replayable source).
 */
final class Feed implements DeliveryListener {
    private final Map<String, LogRecord> pending = new LinkedHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    final Set<String> delivered = ConcurrentHashMap.newKeySet();
    volatile int failures;

    synchronized void produce(List<LogRecord> records) {
        records.forEach(r -> pending.putIfAbsent(r.id().hex(), r));
    }

    /** Hands what is pending and not in flight to the worker, as much as fits. */
    void offer(SinkWorker worker) {
        worker.offer(room -> take(room));
    }

    private synchronized List<LogRecord> take(int room) {
        List<LogRecord> out = new ArrayList<>();
        for (LogRecord r : pending.values()) {
            if (out.size() >= room) {
                break;
            }
            if (inFlight.add(r.id().hex())) {
                out.add(r);
            }
        }
        return out;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    @Override
    public synchronized void delivered(String sink, List<LogRecord> records) {
        for (LogRecord r : records) {
            pending.remove(r.id().hex());
            inFlight.remove(r.id().hex());
            delivered.add(r.id().hex());
        }
    }

    @Override
    public synchronized void failed(String sink, SinkException error) {
        inFlight.clear(); // the worker dropped its queue: everything not delivered is offered again
        failures++;
    }
}
