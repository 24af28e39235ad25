package dev.nitelog.pipeline;

import dev.nitelog.health.ComponentStatus;
import dev.nitelog.record.Level;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What readiness says about a sink: a state word and a count, never the sink's own error text. */
class PipelineHealthTest {
    private static final String RAW = "index [customer-logs] blocked; doc {\"message\":\"password=hunter2\"} at https://u:p@es";

    private static final class Broken implements Sink {
        volatile boolean failing = true;
        public String name() { return "search"; }
        public SinkHealth check() { return failing ? SinkHealth.down(RAW) : SinkHealth.up("cluster status green"); }
        public void write(SinkBatch batch) throws SinkException {
            if (failing) {
                throw new RetriableSinkException(RAW);
            }
        }
        public void flush() { }
        public void close() { }
    }

    @Test
    void aFailingSinkIsReportedAsFailingWithItsFailureCountButWithoutTheSinksErrorText() {
        Broken sink = new Broken();
        SinkWorkerTest.Listener listener = new SinkWorkerTest.Listener();
        try (SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(100, 10, List.of(Level.INFO)),
                (r, why) -> { }, listener, Clock.systemUTC(), Duration.ofMillis(10)).start()) {
            worker.offer(room -> SinkWorkerTest.records(0, 5, Level.INFO));
            await().atMost(Duration.ofSeconds(10)).until(worker::failing);

            ComponentStatus status = PipelineHealth.sink(worker);

            assertEquals("sink:search", status.name());
            assertFalse(status.up());
            assertTrue(status.detail().startsWith("failing (1 failed attempt"), status.detail());
            assertFalse(status.detail().contains("hunter2") || status.detail().contains("blocked"), status.detail());
        }
    }

    @Test
    void aSinkWhoseHealthCheckFailsIsDownWithoutTheCheckText() {
        Broken sink = new Broken();
        try (SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(100, 10, List.of(Level.INFO)),
                (r, why) -> { }, new SinkWorkerTest.Listener(), Clock.systemUTC(), Duration.ofMillis(10)).start()) {
            ComponentStatus status = PipelineHealth.sink(worker);
            assertFalse(status.up());
            assertFalse(status.detail().contains("hunter2"), status.detail());
            sink.failing = false;
            assertTrue(PipelineHealth.sink(worker).up());
        }
    }
}
