package dev.nitelog.pipeline;

import dev.nitelog.cursor.Cursors;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.Level;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

import static dev.nitelog.metrics.MetricNames.SINK_UP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SinkUpGaugeTest {

    private static final class Switchable implements Sink {
        volatile boolean failing;
        public String name() { return "search"; }
        public SinkHealth check() { return SinkHealth.up(""); }
        public void write(SinkBatch batch) throws SinkException {
            if (failing) {
                throw new RetriableSinkException("down for the test");
            }
        }
        public void flush() { }
        public void close() { }
    }

    @Test
    void sinkUpIsOneWhileTheSinkWritesAndZeroWhileItsWorkerIsFailing() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Switchable sink = new Switchable();
        try (SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(100, 10, List.of(Level.INFO)),
                (r, why) -> { }, new SinkWorkerTest.Listener(), Clock.systemUTC(), Duration.ofMillis(10)).start()) {
            new PipelineMetrics(meters).watch(new JobTracker(Duration.ofSeconds(5), 1, id -> false,
                    RandomGenerator.getDefault()), List.of(worker), new Cursors(Duration.ofMinutes(2)), Clock.systemUTC());
            assertEquals(1.0, meters.get(SINK_UP).tag("sink", "search").gauge().value());

            sink.failing = true;
            worker.offer(room -> SinkWorkerTest.records(0, 5, Level.INFO));
            await().atMost(Duration.ofSeconds(10)).until(() -> meters.get(SINK_UP).tag("sink", "search").gauge().value() == 0.0);

            sink.failing = false;
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                worker.offer(room -> SinkWorkerTest.records(5, 10, Level.INFO)); // the retry after the backoff
                return meters.get(SINK_UP).tag("sink", "search").gauge().value() == 1.0;
            });
        }
    }
}
