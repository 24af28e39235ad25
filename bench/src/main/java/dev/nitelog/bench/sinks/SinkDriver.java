package dev.nitelog.bench.sinks;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;

import java.time.Duration;
import java.util.List;

/** Drives a sink through its SPI the way {@code SinkWorker} does, for both sink benchmarks. */
final class SinkDriver {
    private SinkDriver() {
    }

    /**
     * Writes {@code records} in batches of {@code batchSize}, flushing every {@code flushInterval}
     * and at the end, so every record is confirmed on return; a dead letter fails the run.
     *
     * @return the elapsed nanoseconds
     */
    static long writeAll(Sink sink, List<LogRecord> records, int batchSize, Duration flushInterval)
            throws SinkException {
        long flushNanos = flushInterval.toNanos();
        long start = System.nanoTime();
        long lastFlush = start;
        for (int from = 0; from < records.size(); from += batchSize) {
            List<LogRecord> batch = records.subList(from, Math.min(records.size(), from + batchSize));
            sink.write(new SinkBatch(batch, (r, reason) -> {
                throw new SinkException("bench record dead-lettered: " + reason);
            }));
            if (System.nanoTime() - lastFlush >= flushNanos) {
                sink.flush();
                lastFlush = System.nanoTime();
            }
        }
        sink.flush();
        return System.nanoTime() - start;
    }
}
