package dev.nitelog.sink.file;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.DeliveryListener;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.nitelog.sink.file.FileSinkTesting.T0;
import static dev.nitelog.sink.file.FileSinkTesting.allLines;
import static dev.nitelog.sink.file.FileSinkTesting.recs;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file sink behind a real {@link SinkWorker}, fed like the pipeline feeds it: from a replayable source. */
class FileSinkWorkerTest {
    @TempDir
    Path dir;

    /**
     * Plays the cursors' part: offers what is neither confirmed nor in flight, and on a failure
     * rolls the in-flight records back so they are offered again.
     */
    static final class ReplayableSource implements DeliveryListener {
        final List<LogRecord> all;
        final Set<LogRecord> committed = new HashSet<>();
        final Set<LogRecord> sent = new HashSet<>();
        final AtomicInteger failures = new AtomicInteger();
        private int available; // the records offered so far are all.subList(0, available)

        ReplayableSource(List<LogRecord> all) {
            this.all = all;
            this.available = all.size();
        }

        /** Offers only the first {@code records} until told otherwise, as a log that grows. */
        synchronized void available(int records) {
            available = records;
        }

        synchronized List<LogRecord> take(int room) {
            List<LogRecord> out = new ArrayList<>();
            for (LogRecord r : all.subList(0, available)) {
                if (out.size() >= room) {
                    break;
                }
                if (!committed.contains(r) && sent.add(r)) {
                    out.add(r);
                }
            }
            return out;
        }

        synchronized int committed() {
            return committed.size();
        }

        @Override
        public synchronized void delivered(String sink, List<LogRecord> records) {
            committed.addAll(records);
            records.forEach(sent::remove);
        }

        @Override
        public synchronized void failed(String sink, SinkException error) {
            sent.clear();
            failures.incrementAndGet();
        }
    }

    @Test
    void everyRecordEndsUpInTheFilesAfterAFailingPeriod() throws Exception {
        Path logs = dir.resolve("logs");
        Map<String, String> keys = new HashMap<>(Map.of("path", logs + "/{job}.log", "max-open-files", "4",
                "batch-size", "50", "linger", "2ms", "retry-backoff", "20ms", "retry-max-backoff", "100ms",
                "max-size", "8K", "max-files", "0"));
        SinkConfig config = FileSinkConfigTest.sink(keys);
        Sink sink = dev.nitelog.testing.TestConfig.create(new FileSinkFactory(), "archive", keys);

        List<LogRecord> all = new ArrayList<>();
        for (int job = 0; job < 8; job++) {
            all.addAll(recs("job-" + job, 80, T0.plusMillis(job)));
        }
        all.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
        ReplayableSource source = new ReplayableSource(all);
        Path away = dir.resolve("logs.away");

        try (SinkWorker worker = new SinkWorker(sink, config, (r, why) -> {
            throw new AssertionError("dead letter: " + why);
        }, source, Clock.systemUTC(), Duration.ofMillis(20)).start()) {
            source.available(all.size() / 3);
            pump(worker, source, () -> source.committed() == all.size() / 3);

            // break: the directory is moved away and a regular file takes its place, while the
            // worker is idle (a batch being written would recreate the directory first)
            assertTrue(worker.awaitIdle(Duration.ofSeconds(30)), "the worker never caught up");
            Files.move(logs, away);
            Files.writeString(logs, "not a directory");
            source.available(all.size());
            int failuresBefore = source.failures.get();
            pump(worker, source, () -> source.failures.get() >= failuresBefore + 3);
            assertFalse(sink.check().up());
            int committedWhileBroken = source.committed();

            // recover: the directory, with what was confirmed before, comes back, again while the
            // worker is idle (a retry in between would recreate the directory)
            source.available(0);
            assertTrue(worker.awaitIdle(Duration.ofSeconds(30)), "the worker never stopped");
            Files.delete(logs);
            Files.move(away, logs);
            source.available(all.size());
            pump(worker, source, () -> source.committed() == all.size());
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertTrue(sink.check().up());
            assertTrue(committedWhileBroken < all.size());
        }

        List<String> ids = allLines(logs).stream().map(FileSinkTesting::idOf).toList();
        Set<String> expected = all.stream().map(r -> r.id().hex()).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> missing = new LinkedHashSet<>(expected);
        ids.forEach(missing::remove);
        assertEquals(Set.of(), missing, "records missing from the files");
        assertTrue(ids.size() >= all.size());
        assertTrue(expected.containsAll(ids), "only the records offered are in the files");
    }

    /** Keeps offering, as polls would, until the condition holds. */
    private static void pump(SinkWorker worker, ReplayableSource source, java.util.concurrent.Callable<Boolean> until) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
            worker.offer(source::take);
            return until.call();
        });
    }
}
