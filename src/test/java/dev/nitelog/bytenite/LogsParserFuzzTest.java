package dev.nitelog.bytenite;

import dev.nitelog.record.KnownIds;
import dev.nitelog.bytenite.HostileBodies.Body;
import dev.nitelog.bytenite.HostileBodies.Kept;
import dev.nitelog.bytenite.HostileBodies.Outcome;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds the {@code /logs} parser generated hostile bodies (valid ones with bad entries, broken
 * structure, truncations, invalid UTF-8, other encodings, Jackson's limits) and byte-mutated valid
 * ones, checking for each: only {@link MalformedResponseException} escapes; a valid body gives
 * exactly the kept lines and counters its oracle predicts; the parse finishes within a time budget;
 * its allocation stays within a multiple of the body size.
 *
 * <p>Re-run a failure with {@code -Dfuzz.seed=<printed seed>}; {@code -Dfuzz.bodies=N} sets how many
 * bodies of each sort (default 50,000 generated and 50,000 mutated, about 40 s of CPU). The failing body is also
 * written under {@code target/fuzz-failures/}.
 */
class LogsParserFuzzTest {
    private static final JobRef JOB = new JobRef("538f009e-312c-48d4-b842-0b57f6034fde", "img-gen");
    private static final int BODIES = Integer.getInteger("fuzz.bodies", 50_000);
    /**
     * Generous: the slowest body (1 MB of string) parses in tens of ms, under 2 s on a machine loaded
     * ten times over; a hang or a blow-up goes past it.
     */
    private static final long BODY_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("fuzz.bodyBudgetMs", 10_000));
    private static final long TOTAL_BUDGET_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** Allowed allocation per body byte: Jackson's text buffer, the ValueChars, the String, the record. */
    private static final long ALLOCATION_PER_BYTE = 16;
    /**
     * Allowed allocation whatever the size: parser and buffers, and Jackson's copy-on-write of the
     * field-name table it shares across parses (up to 6,000 names, then reset) when a body brings a new
     * name, such as a task id not seen before.
     */
    private static final long ALLOCATION_CONSTANT = 2 * 1024 * 1024;
    private static final int WARM_UP_BODIES = 2_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void survivesGeneratedAndMutatedBodiesWithinTimeAndAllocationBounds() throws Throwable {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("LogsParserFuzzTest seed: -Dfuzz.seed=" + seed + " (bodies of each sort: " + BODIES + ")");
        Run run = new Run(seed);
        long started = System.nanoTime();
        Thread worker = new Thread(run, "logs-parser-fuzz");
        worker.setDaemon(true); // a parse that hangs cannot be stopped; let the JVM exit past it
        worker.start();
        while (worker.isAlive()) {
            worker.join(100);
            Body current = run.current;
            long since = run.parseStarted;
            if (current != null && since != 0 && System.nanoTime() - since > BODY_BUDGET_NANOS) {
                fail(run.describe(current, "still parsing after " + TimeUnit.NANOSECONDS.toMillis(BODY_BUDGET_NANOS) + " ms"));
            }
            if (System.nanoTime() - started > TOTAL_BUDGET_NANOS) {
                fail("the fuzz run took over " + TimeUnit.NANOSECONDS.toMinutes(TOTAL_BUDGET_NANOS) + " minutes, seed " + seed);
            }
        }
        if (run.failure.get() != null) {
            throw run.failure.get();
        }
        System.out.printf("LogsParserFuzzTest: %d bodies in %.1f s; slowest parse %.1f ms; "
                        + "most allocated %d bytes for a body under 64 KiB, %.1f bytes per byte above; outcomes %s%n",
                run.parsed, (System.nanoTime() - started) / 1e9, run.slowestNanos / 1e6, run.mostSmallAllocation,
                run.mostAllocationPerByte, run.outcomes);
        assertEquals(2L * WARM_UP_BODIES + 2L * BODIES, run.parsed);
    }

    @Test
    void rejectsEveryTruncationOfValidBodies() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("LogsParserFuzzTest truncation seed: -Dfuzz.seed=" + seed);
        HostileBodies bodies = new HostileBodies(new Random(seed));
        int cuts = 0;
        for (int i = 0; i < 12; i++) {
            Body body = bodies.valid();
            while (body.bytes().length > 4096) { // every cut of a body is quadratic in its size
                body = bodies.valid();
            }
            byte[] bytes = body.bytes();
            int end = lastIndexOf(bytes, (byte) '}');
            for (int cut = 0; cut <= end; cut++) {
                byte[] prefix = java.util.Arrays.copyOf(bytes, cut);
                try {
                    parser(body.skipBefore()).parse(new ByteArrayInputStream(prefix));
                    fail("parsed a body cut at byte " + cut + " of " + bytes.length + ", seed " + seed + ": "
                            + printable(prefix));
                } catch (MalformedResponseException expected) {
                    cuts++;
                }
            }
        }
        System.out.println("LogsParserFuzzTest: " + cuts + " truncations rejected");
    }

    @Test
    void keepsGoodEntriesBesideUnknownFieldsNestedJustUnderTheLimit() throws Exception {
        Body body = new HostileBodies(new Random(1)).nested(996);
        LogFetch fetch = parser(null).parse(new ByteArrayInputStream(body.bytes()));
        assertEquals(body.expected().records(), kept(fetch.records()));
    }

    /** The fuzz loop, on its own thread so that the test thread can watch it for hangs. */
    private static final class Run implements Runnable {
        private final long seed;
        private final HostileBodies bodies;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        volatile Body current;
        volatile long parseStarted;
        volatile long index;
        long parsed;
        long slowestNanos;
        long mostSmallAllocation;
        double mostAllocationPerByte;

        Run(long seed) {
            this.seed = seed;
            this.bodies = new HostileBodies(new Random(seed));
        }

        @Override
        public void run() {
            try {
                // first uses load classes (exception types, Jackson paths) into this thread's allocation
                feed(WARM_UP_BODIES, bodies::generated, false);
                feed(WARM_UP_BODIES, bodies::mutated, false);
                feed(BODIES, bodies::generated, true);
                feed(BODIES, bodies::mutated, true);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                current = null;
            }
        }

        private void feed(int count, Supplier<Body> next, boolean boundAllocation) {
            for (int i = 0; i < count; i++) {
                Body body = next.get();
                current = body;
                index++;
                parseOne(body, boundAllocation);
                parsed++;
            }
        }

        private void parseOne(Body body, boolean boundAllocation) {
            LogFetch fetch = null;
            MalformedResponseException malformed = null;
            Throwable other = null;
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            parseStarted = start;
            try {
                fetch = parser(body.skipBefore()).parse(new ByteArrayInputStream(body.bytes()));
            } catch (MalformedResponseException e) {
                malformed = e;
            } catch (Throwable e) { // an IOException too: the bytes are in memory, nothing can fail to read
                other = e;
            }
            long took = System.nanoTime() - start;
            parseStarted = 0;
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            slowestNanos = Math.max(slowestNanos, took);
            if (other != null) {
                throw new AssertionError(describe(body, "threw " + other), other);
            }
            outcomes.merge(body.kind().replaceFirst(":.*", "") + (malformed != null ? "=malformed" : "=parsed"), 1, Integer::sum);
            if (malformed != null) {
                checkRejection(body, malformed);
            } else {
                checkResult(body, fetch);
            }
            if (boundAllocation) {
                checkAllocation(body, allocated);
            }
        }

        private void checkRejection(Body body, MalformedResponseException e) {
            if (body.outcome() == Outcome.PARSES) {
                throw new AssertionError(describe(body, "was rejected: " + e.getMessage()), e);
            }
            String message = e.getMessage();
            if (!message.contains(JOB.id()) || message.contains("SECRET-IN-BODY") || e.httpStatus() != 200) {
                throw new AssertionError(describe(body, "gave a bad rejection: " + message), e);
            }
        }

        private void checkResult(Body body, LogFetch fetch) {
            if (body.outcome() == Outcome.MALFORMED) {
                throw new AssertionError(describe(body, "parsed to " + fetch.records().size() + " records, "
                        + fetch.malformedEntries() + " malformed entries; expected a MalformedResponseException"));
            }
            checkInvariants(body, fetch);
            if (body.outcome() == Outcome.PARSES) {
                List<Kept> actual = kept(fetch.records());
                if (!actual.equals(body.expected().records())) {
                    throw new AssertionError(describe(body, "kept " + abbreviate(actual) + " but expected "
                            + abbreviate(body.expected().records())));
                }
            }
            if (body.outcome() == Outcome.PARSES || body.outcome() == Outcome.MALFORMED_OR_COUNTS) {
                HostileBodies.Expected expected = body.expected();
                if (fetch.records().size() != expected.records().size() || fetch.skipped() != expected.skipped()
                        || fetch.malformedEntries() != expected.malformed()) {
                    throw new AssertionError(describe(body, String.format(
                            "counted %d kept, %d skipped, %d malformed; expected %d, %d, %d", fetch.records().size(),
                            fetch.skipped(), fetch.malformedEntries(), expected.records().size(), expected.skipped(),
                            expected.malformed())));
                }
            }
        }

        /** What holds for any body that parses, whatever its bytes. */
        private void checkInvariants(Body body, LogFetch fetch) {
            Set<RecordId> ids = new HashSet<>();
            LogRecord previous = null;
            for (LogRecord r : fetch.records()) {
                boolean ok = r.id() != null && r.timestamp() != null && r.message() != null && r.container() != null
                        && r.level() != null && r.service() != null && JOB.id().equals(r.jobId())
                        && JOB.name().equals(r.jobName()) && (r.taskId() != null) == (r.service() == Service.TASKRUNNER)
                        && ids.add(r.id()) && (previous == null || !r.timestamp().isBefore(previous.timestamp()))
                        && (body.skipBefore() == null || !r.timestamp().isBefore(body.skipBefore()));
                if (!ok) {
                    throw new AssertionError(describe(body, "gave a record breaking an invariant: " + abbreviate(List.of(r))));
                }
                previous = r;
            }
            if (fetch.skipped() < 0 || fetch.malformedEntries() < 0 || fetch.responseBytes() != body.bytes().length) {
                throw new AssertionError(describe(body, "gave counters " + fetch.skipped() + ", "
                        + fetch.malformedEntries() + ", " + fetch.responseBytes()));
            }
        }

        private void checkAllocation(Body body, long allocated) {
            long size = body.bytes().length;
            if (size < 64 * 1024) {
                mostSmallAllocation = Math.max(mostSmallAllocation, allocated);
            } else {
                mostAllocationPerByte = Math.max(mostAllocationPerByte, (double) allocated / size);
            }
            if (allocated > ALLOCATION_PER_BYTE * size + ALLOCATION_CONSTANT) {
                throw new AssertionError(describe(body, "allocated " + allocated + " bytes for " + size
                        + " bytes of body, over " + ALLOCATION_PER_BYTE + " per byte + " + ALLOCATION_CONSTANT));
            }
        }

        String describe(Body body, String what) {
            String saved = save(body);
            return "body #" + index + " (" + body.kind() + ", " + body.bytes().length + " bytes, floor "
                    + body.skipBefore() + ") " + what + "; re-run with -Dfuzz.seed=" + seed + "; body " + saved
                    + ": " + printable(body.bytes());
        }

        private String save(Body body) {
            try {
                Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
                Path file = dir.resolve("logs-" + seed + "-" + index + ".json");
                Files.write(file, body.bytes());
                return "saved to " + file;
            } catch (IOException e) {
                return "not saved (" + e + ")";
            }
        }
    }

    static List<Kept> kept(List<LogRecord> records) {
        return records.stream()
                .map(r -> new Kept(r.timestamp(), r.service(), r.taskId(), r.container(), r.level(), r.message()))
                .toList();
    }

    private static String abbreviate(List<?> list) {
        String s = list.toString();
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "...(" + s.length() + " chars)";
    }

    static String printable(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 600), StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out + (bytes.length > 600 ? "..." : "");
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static LogsParser parser(Instant skipBefore) {
        return new LogsParser(JOB, skipBefore == null ? LineFilter.KEEP_ALL : LineFilter.below(skipBefore),
                ParseLimits.NONE, RecordChunks.KEEP);
    }
}
