package dev.nitelog.sink;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.Service;
import io.quarkus.runtime.configuration.MemorySize;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class SinkWorkerTest {

    public static SinkConfig config(int queueRecords, int batchSize, List<Level> levels) {
        return new SinkConfig() {
            public String type() { return "test"; }
            public OutputFormat format() { return OutputFormat.JSON; }
            public Optional<List<Level>> levels() { return Optional.of(levels); }
            public Optional<List<Service>> services() { return Optional.empty(); }
            public Optional<List<String>> jobs() { return Optional.empty(); }
            public int queueRecords() { return queueRecords; }
            public MemorySize queueBytes() { return new MemorySize(BigInteger.valueOf(64L << 20)); }
            public int batchSize() { return batchSize; }
            public Duration linger() { return Duration.ofMillis(5); }
            public Duration retryBackoff() { return Duration.ofMillis(20); }
            public Duration retryMaxBackoff() { return Duration.ofMillis(40); }
        };
    }

    public static List<LogRecord> records(int from, int to, Level level) {
        return IntStream.range(from, to).mapToObj(i -> RecordEncodingTest.record(Service.TASKRUNNER, "t", "main",
                "line " + i, Instant.ofEpochSecond(1_700_000_000L + i))).map(r -> new LogRecord(r.id(), r.timestamp(),
                r.jobId(), r.jobName(), r.service(), r.taskId(), r.container(), level, r.message())).toList();
    }

    /** A sink that records what it wrote and fails while told to. */
    public static final class RecordingSink implements Sink {
        public final List<LogRecord> written = new CopyOnWriteArrayList<>();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger flushes = new AtomicInteger();
        private final String name;

        public RecordingSink() {
            this("rec", false);
        }

        /** Named {@code name}; failing every write from the start when {@code failing}. */
        public RecordingSink(String name, boolean failing) {
            this.name = name;
            this.failing.set(failing);
        }

        public String name() { return name; }
        public SinkHealth check() { return SinkHealth.up("ok"); }
        public void write(SinkBatch batch) throws SinkException {
            if (failing.get()) {
                throw new RetriableSinkException("down for the test");
            }
            written.addAll(batch.records());
        }
        public void flush() { flushes.incrementAndGet(); }
        public void close() { }
    }

    public static final class Listener implements DeliveryListener {
        final List<LogRecord> delivered = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger retrying = new AtomicInteger();
        final List<LogRecord> handedOff = Collections.synchronizedList(new ArrayList<>());
        public void handedOff(String sink, List<LogRecord> records) { handedOff.addAll(records); }
        public void delivered(String sink, List<LogRecord> records) { delivered.addAll(records); }
        public void retrying(String sink, int records) { retrying.addAndGet(records); }
        public void failed(String sink, SinkException error) { failures.incrementAndGet(); }
    }

    @Test
    void deliversInOrderAndReportsOnlyAfterAFlush() throws Exception {
        RecordingSink sink = new RecordingSink();
        Listener listener = new Listener();
        try (SinkWorker worker = new SinkWorker(sink, config(1000, 10, List.of()), (r, why) -> { }, listener,
                Clock.systemUTC(), Duration.ofMillis(30)).start()) {
            List<LogRecord> all = records(0, 95, Level.INFO);
            assertEquals(95, worker.offer(room -> all));
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(all, sink.written);
            assertEquals(all, listener.delivered);
            assertTrue(sink.flushes.get() >= 1);
        }
    }

    @Test
    void holdsNoMoreThanAQueueOfWrittenRecordsAwaitingTheFlush() throws Exception {
        RecordingSink sink = new RecordingSink();
        Listener listener = new Listener();
        List<Integer> unflushedAtEachFlush = Collections.synchronizedList(new ArrayList<>());
        Sink measuring = new Sink() {
            public String name() { return sink.name(); }
            public SinkHealth check() { return sink.check(); }
            public void write(SinkBatch batch) throws SinkException { sink.write(batch); }
            public void flush() {
                unflushedAtEachFlush.add(sink.written.size() - listener.delivered.size());
                sink.flush();
            }
            public void close() { }
        };
        try (SinkWorker worker = new SinkWorker(measuring, config(100, 10, List.of()), (r, why) -> { }, listener,
                Clock.systemUTC(), Duration.ofHours(1)).start()) {
            List<LogRecord> all = records(0, 1000, Level.INFO);
            for (int from = 0; from < all.size(); ) { // a backlog: refilled as the queue frees up
                int offset = from;
                int taken = worker.offer(room -> all.subList(offset, Math.min(all.size(), offset + room)));
                if (taken == 0) {
                    Thread.onSpinWait();
                }
                from += taken;
            }
            // a flush interval of an hour: only the bound on what waits for the flush reports anything
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.delivered.size() >= 900);
            assertTrue(unflushedAtEachFlush.stream().allMatch(n -> n <= 100), "at most a queue: " + unflushedAtEachFlush);
        }
    }

    @Test
    void aBurstOfABatchOrMoreIsFlushedOnceTheQueueRunsDryNotAtTheInterval() throws Exception {
        RecordingSink sink = new RecordingSink();
        Listener listener = new Listener();
        try (SinkWorker worker = new SinkWorker(sink, config(1000, 10, List.of()), (r, why) -> { }, listener,
                Clock.systemUTC(), Duration.ofHours(1)).start()) {
            worker.offer(room -> records(0, 25, Level.INFO));
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.delivered.size() == 25);
            worker.offer(room -> records(25, 30, Level.INFO)); // less than a batch: waits for the interval
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.written.size() == 30);
            assertEquals(25, listener.delivered.size());
        }
    }

    @Test
    void neverQueuesMoreThanItsCapacity() {
        RecordingSink sink = new RecordingSink();
        sink.failing.set(true);
        SinkWorker worker = new SinkWorker(sink, config(50, 10, List.of()), (r, why) -> { }, new Listener(),
                Clock.systemUTC(), Duration.ofMillis(30));
        // not started: nothing drains, so the room offered shrinks to zero
        AtomicInteger roomSeen = new AtomicInteger();
        assertEquals(50, worker.offer(room -> { roomSeen.set(room); return records(0, room, Level.INFO); }));
        assertEquals(50, roomSeen.get());
        assertEquals(0, worker.offer(room -> { throw new AssertionError("offered with a full queue"); }));
        worker.close(Duration.ofMillis(10));
    }

    @Test
    void aFailedBatchDropsTheQueueAndRefusesOffersWhileBackingOff() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.failing.set(true);
        Listener listener = new Listener();
        try (SinkWorker worker = new SinkWorker(sink, config(1000, 10, List.of()), (r, why) -> { }, listener,
                Clock.systemUTC(), Duration.ofMillis(30)).start()) {
            worker.offer(room -> records(0, 30, Level.INFO));
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.failures.get() >= 1);
            assertEquals(0, worker.queuedRecords());
            assertEquals(30, listener.retrying.get(), "every dropped record is counted as retried");
            assertTrue(worker.failing());
            sink.failing.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.offer(room -> records(0, 30, Level.INFO)) == 30);
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(records(0, 30, Level.INFO), sink.written);
            assertTrue(!worker.failing());
        }
    }

    @Test
    void wantsOnlyWhatTheLevelFilterLetsThroughAndWritesWhateverIsQueued() throws Exception {
        RecordingSink sink = new RecordingSink();
        Listener listener = new Listener();
        try (SinkWorker worker = new SinkWorker(sink, config(1000, 10, List.of(Level.ERROR)), (r, why) -> { }, listener,
                Clock.systemUTC(), Duration.ofMillis(30)).start()) {
            List<LogRecord> mixed = new ArrayList<>(records(0, 5, Level.INFO));
            mixed.addAll(records(5, 8, Level.ERROR));
            assertEquals(records(5, 8, Level.ERROR), mixed.stream().filter(worker.wants()).toList());
            // filtering is the offer's business (the cursor confirms what a sink leaves out): the
            // worker writes every record it was given
            worker.offer(room -> mixed);
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(mixed, sink.written);
            assertEquals(mixed, listener.delivered);
        }
    }

    @Test
    void aWrittenBatchIsHandedOffBeforeItsFlushAndAFailedOneIsNot() throws Exception {
        RecordingSink sink = new RecordingSink();
        Listener listener = new Listener();
        // batches of 100: the 25 records are less than one, so nothing flushes them before the hour
        try (SinkWorker worker = new SinkWorker(sink, config(1000, 100, List.of()), (r, why) -> { }, listener,
                Clock.systemUTC(), Duration.ofHours(1)).start()) {
            worker.offer(room -> records(0, 25, Level.INFO));
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.handedOff.size() == 25);
            assertEquals(records(0, 25, Level.INFO), listener.handedOff);
            assertEquals(List.of(), listener.delivered, "not flushed within the hour");

            sink.failing.set(true);
            worker.offer(room -> records(25, 30, Level.INFO));
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.failures.get() == 1);
            assertEquals(25, listener.handedOff.size(), "a write that failed hands nothing off");
        }
    }
}
