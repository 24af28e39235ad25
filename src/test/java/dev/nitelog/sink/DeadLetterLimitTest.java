package dev.nitelog.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full dead-letter store stops the sink from committing; it never drops a dead letter. */
class DeadLetterLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rejects every record, as a sink behind a broken mapping would. */
    private static final class RejectingSink implements Sink {
        public String name() { return "rejecting"; }
        public SinkHealth check() { return SinkHealth.up(""); }
        public void write(SinkBatch batch) throws SinkException {
            for (LogRecord record : batch.records()) {
                batch.deadLetters().reject(record, "400 mapper_parsing_exception: no");
            }
        }
        public void flush() { }
        public void close() { }
    }

    @Test
    void aSinkWhoseDeadLettersAreFullStopsCommittingAndCommitsNothingItCouldNotKeep(@TempDir Path dir)
            throws Exception {
        DeadLetterFile file = new DeadLetterFile(dir, Clock.systemUTC(), 4_000, 8_000);
        SinkWorkerTest.Listener listener = new SinkWorkerTest.Listener();
        List<LogRecord> records = SinkWorkerTest.records(0, 200, Level.INFO);
        try (SinkWorker worker = new SinkWorker(new RejectingSink(), SinkWorkerTest.config(1000, 10, List.of(Level.INFO)),
                file.forSink("rejecting"), listener, Clock.systemUTC(), Duration.ofMillis(10)).start()) {
            worker.offer(room -> records);
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.failures.get() > 0);
            assertTrue(worker.failing(), "the sink reports that it is failing");
        }

        Set<String> kept = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    kept.add(JSON.readTree(line).get("record").get("id").asText());
                }
            }
        }
        assertTrue(listener.delivered.size() < records.size(), "the sink stopped committing");
        for (LogRecord delivered : listener.delivered) {
            assertTrue(kept.contains(delivered.id().hex()), "committed without its dead letter: " + delivered.id());
        }
    }
}
