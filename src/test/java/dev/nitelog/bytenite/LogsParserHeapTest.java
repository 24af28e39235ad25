package dev.nitelog.bytenite;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 500 MB body, generated while it is read and never held anywhere, parsed the way a re-poll of a
 * long job is: everything but the newest lines lies below the skip floor. The heap the parse keeps
 * must not grow with the body: every garbage collection during the parse, and one after it while
 * the result is still referenced, must find little more live data than before.
 */
@Tag("own-jvm") // the heap it measures must be its own: see the surefire executions in pom.xml
class LogsParserHeapTest {
    private static final long BODY_BYTES = 500L * 1024 * 1024;
    private static final int NEW_LINES = 1000;
    /** Generous for a parser whose state is a few buffers and 1000 records; a retained line per entry is gigabytes. */
    private static final long MAX_RETAINED_BYTES = 64L * 1024 * 1024;

    @Test
    void parsesAHalfGigabyteBodyInBoundedHeap() throws Exception {
        GeneratedBody body = new GeneratedBody(BODY_BYTES);
        Instant floor = body.timestampOf(body.entries - NEW_LINES);
        Measured measured = measure(() -> new LogsParser(new JobRef("job-big", "big"), LineFilter.below(floor),
                    ParseLimits.NONE.withMaxBytes(600L * 1024 * 1024), RecordChunks.KEEP).parse(body));
        LogFetch fetch = measured.fetch();
        assertFalse(fetch.truncated());
        assertEquals(body.size, fetch.responseBytes());
        assertEquals(NEW_LINES, fetch.records().size());
        assertEquals(body.entries - NEW_LINES, fetch.skipped());
        System.out.printf("LogsParserHeapTest: %d MB body, %d entries; live heap before %d MB, peak after a GC %d MB%n",
                body.size >> 20, body.entries, measured.baseline() >> 20, measured.peak() >> 20);
        assertTrue(measured.retained() < MAX_RETAINED_BYTES, "the parse kept " + (measured.retained() >> 20)
                + " MB live for a " + (body.size >> 20) + " MB body");
    }

    /**
     * The same size of body with every line new (a first start on a long job), 1 ms apart: numbering
     * identical lines must not hold a key per line. The records go to chunks that drop them.
     */
    @Test
    void numbersAHalfGigabyteOfNewLinesInBoundedHeap() throws Exception {
        numbersNewLinesInBoundedHeap(new GeneratedBody(BODY_BYTES, 1_000_000));
    }

    /**
     * The same listed newest first, as Loki may list a stream: every second's bucket is opened and
     * done with in turn, so no line is numbered late and none is deferred.
     */
    @Test
    void numbersAHalfGigabyteOfNewLinesListedNewestFirstInBoundedHeap() throws Exception {
        GeneratedBody body = new GeneratedBody(BODY_BYTES, 1_000_000).newestFirst();
        assertTrue(body.entries > 2_000_000, "entries " + body.entries);
        numbersNewLinesInBoundedHeap(body);
    }

    private static void numbersNewLinesInBoundedHeap(GeneratedBody body) throws Exception {
        Measured measured = measure(() -> new LogsParser(new JobRef("job-new", "new"), LineFilter.KEEP_ALL,
                    ParseLimits.NONE.withMaxBytes(600L * 1024 * 1024), chunk -> true).parse(body));
        LogFetch fetch = measured.fetch();
        assertEquals(body.entries, fetch.chunked());
        assertEquals(0, fetch.deferred());
        System.out.printf("LogsParserHeapTest: %d MB body, %d new lines; live heap before %d MB, peak after a GC %d MB%n",
                body.size >> 20, body.entries, measured.baseline() >> 20, measured.peak() >> 20);
        assertTrue(measured.retained() < MAX_RETAINED_BYTES, "the parse kept " + (measured.retained() >> 20)
                + " MB live numbering " + body.entries + " new lines");
    }

    /**
     * More lines within one second than the occurrence table's budget: the bucket goes on in a new
     * epoch's numbers, so every line is numbered, distinctly, and none is deferred.
     */
    @Test
    void numbersASecondDenserThanTheTableBudget() throws Exception {
        GeneratedBody body = new GeneratedBody(100L * 1024 * 1024, 100); // 100 ns apart: all in one second
        assertTrue(body.entries > OccurrenceCounter.MAX_ENTRIES, "entries " + body.entries);
        java.util.Set<RecordId> ids = new java.util.HashSet<>();
        LogFetch fetch = new LogsParser(new JobRef("job-dense", "dense"), LineFilter.KEEP_ALL,
                ParseLimits.NONE.withMaxBytes(200L * 1024 * 1024), chunk -> {
                    chunk.forEach(r -> ids.add(r.id()));
                    return true;
                }).parse(body);
        assertEquals(body.entries, fetch.chunked());
        assertEquals(0, fetch.deferred());
        assertEquals(body.entries, ids.size());
    }

    /**
     * One line of 256 MB (the parser's own string limit is 256 M characters): cut at the line bound,
     * it must cost the parse about that bound, not the line. Read whole, Jackson alone would hold
     * the line twice over as characters.
     */
    @Test
    void readsAQuarterGigabyteLineInBoundedHeap() throws Exception {
        long lineBytes = 256L * 1024 * 1024;
        long maxLineBytes = 1024 * 1024;
        OneLongLine body = new OneLongLine(lineBytes);
        Measured measured = measure(() -> new LogsParser(new JobRef("job-long", "long"), LineFilter.KEEP_ALL,
                    ParseLimits.NONE.withMaxLineBytes(maxLineBytes), RecordChunks.KEEP).parse(body));
        LogFetch fetch = measured.fetch();
        assertEquals(2, fetch.records().size());
        LogRecord cut = fetch.records().get(0);
        assertTrue(cut.cut());
        assertTrue(cut.message().startsWith(OneLongLine.PATTERN_TEXT), cut.message().substring(0, 40));
        assertTrue(cut.cutBytes() >= body.patternBytes - maxLineBytes - 6, "dropped " + cut.cutBytes());
        assertEquals("the next line", fetch.records().get(1).message());
        assertEquals(1, fetch.cutLines());
        System.out.printf("LogsParserHeapTest: a %d MB line; live heap before %d MB, peak after a GC %d MB%n",
                lineBytes >> 20, measured.baseline() >> 20, measured.peak() >> 20);
        assertTrue(measured.retained() < MAX_RETAINED_BYTES, "the parse kept " + (measured.retained() >> 20)
                + " MB live for a " + (lineBytes >> 20) + " MB line");
    }

    /** A parse's outcome with the live heap before it and the most live after any GC during it or right after. */
    private record Measured(LogFetch fetch, long baseline, long peak) {
        long retained() {
            return peak - baseline;
        }
    }

    private interface Parse {
        LogFetch run() throws Exception;
    }

    private static Measured measure(Parse parse) throws Exception {
        long baseline = usedAfterGc();
        AtomicLong peakAfterGc = new AtomicLong();
        List<Runnable> unregister = watchGcs(peakAfterGc);
        try {
            LogFetch fetch = parse.run();
            long afterParse = usedAfterGc(); // fetch is still referenced here
            return new Measured(fetch, baseline, Math.max(peakAfterGc.get(), afterParse));
        } finally {
            unregister.forEach(Runnable::run);
        }
    }

    private static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Records the heap in use after every collection (what survived it, i.e. what is live). */
    private static List<Runnable> watchGcs(AtomicLong peak) throws Exception {
        List<Runnable> unregister = new ArrayList<>();
        NotificationListener listener = (Notification n, Object handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
            peak.accumulateAndGet(used, Math::max);
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            NotificationEmitter emitter = (NotificationEmitter) gc;
            emitter.addNotificationListener(listener, null, null);
            unregister.add(() -> {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // already gone
                }
            });
        }
        return unregister;
    }

    /** Two entries, the first one's log {@code lineBytes} long (escapes and two-byte characters among them), made as read. */
    static final class OneLongLine extends InputStream {
        static final String PATTERN_TEXT = "abc\"\u00e9\n";
        private static final byte[] PATTERN = "abc\\\"\u00e9\\n".getBytes(StandardCharsets.UTF_8);
        private final byte[] head = "{\"taskrunner\":{\"task-1\":{\"logs\":[{\"log\":\"".getBytes(StandardCharsets.UTF_8);
        private final byte[] tail = ("\",\"timestamp\":\"2026-03-01T10:00:00Z\",\"level\":\"INFO\",\"container\":\"main\"},"
                + "{\"log\":\"the next line\",\"timestamp\":\"2026-03-01T10:00:01Z\",\"level\":\"INFO\",\"container\":\"main\"}]}}}")
                .getBytes(StandardCharsets.UTF_8);
        final long patternBytes;
        private long at;

        OneLongLine(long lineBytes) {
            this.patternBytes = lineBytes / PATTERN.length * PATTERN.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int off, int len) {
            long size = head.length + patternBytes + tail.length;
            if (at >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - at);
            for (int i = 0; i < n; i++, at++) {
                into[off + i] = at < head.length ? head[(int) at]
                        : at < head.length + patternBytes ? PATTERN[(int) ((at - head.length) % PATTERN.length)]
                        : tail[(int) (at - head.length - patternBytes)];
            }
            return n;
        }
    }

    /**
     * {@code {"taskrunner":{"task-1":{"logs":[entry,...]}}}} with fixed-size entries 100 ns
     * apart, produced entry by entry as the parser reads.
     */
    static final class GeneratedBody extends InputStream {
        private static final byte[] HEAD = "{\"taskrunner\":{\"task-1\":{\"logs\":[".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] TAIL = "]}}}".getBytes(StandardCharsets.US_ASCII);
        private static final String MESSAGE = "epoch 3/10: loss=0.4182 acc=0.8731 lr=0.00025 step 18231/50000 "
                + "samples/s=1234.5 gpu_mem=13.2GiB eta=00:41:17 (a typical training progress line)";
        private static final Instant BASE = Instant.parse("2026-03-01T10:00:00Z");
        /** The timestamp's nine fractional digits start here within an entry. */
        private final int nanosAt;
        private final int hourAt;
        private final long spacingNanos;
        private final byte[] template;
        final long entries;
        final long size;
        private final byte[] current;
        private boolean newestFirst;
        private long entry = -1; // -1: the head
        private int pos;

        GeneratedBody(long approximateBytes) {
            this(approximateBytes, 100);
        }

        /** Entries {@code spacingNanos} apart, within a day. */
        GeneratedBody(long approximateBytes, long spacingNanos) {
            this.spacingNanos = spacingNanos;
            String text = ",{\"log\":\"" + MESSAGE + "\",\"timestamp\":\"2026-03-01T10:00:00.000000000Z\","
                    + "\"level\":\"INFO\",\"container\":\"\"}";
            template = text.getBytes(StandardCharsets.US_ASCII);
            nanosAt = text.indexOf("00.000000000Z") + 3;
            hourAt = text.indexOf("10:00:00.");
            entries = Math.min(9_999_999, (approximateBytes - HEAD.length - TAIL.length) / template.length);
            size = HEAD.length + entries * template.length - 1 + TAIL.length; // the first entry has no comma
            current = template.clone();
            load(HEAD);
        }

        /** The same entries listed newest first. */
        GeneratedBody newestFirst() {
            newestFirst = true;
            return this;
        }

        Instant timestampOf(long index) {
            return BASE.plusNanos(index * spacingNanos);
        }

        private byte[] chunk;

        private void load(byte[] bytes) {
            chunk = bytes;
            pos = 0;
        }

        /** Moves to the next piece: entries, then the tail; false at the end. */
        private boolean advance() {
            if (chunk == TAIL) {
                return false;
            }
            entry++;
            if (entry >= entries) {
                load(TAIL);
                return true;
            }
            long offset = (newestFirst ? entries - 1 - entry : entry) * spacingNanos;
            long nanos = offset % 1_000_000_000L;
            for (int i = 8; i >= 0; i--) {
                current[nanosAt + i] = (byte) ('0' + nanos % 10);
                nanos /= 10;
            }
            long seconds = offset / 1_000_000_000L;
            twoDigits(hourAt, 10 + seconds / 3600);
            twoDigits(hourAt + 3, seconds / 60 % 60);
            twoDigits(hourAt + 6, seconds % 60);
            chunk = current;
            pos = entry == 0 ? 1 : 0; // no comma before the first entry
            return true;
        }

        private void twoDigits(int at, long value) {
            current[at] = (byte) ('0' + value / 10);
            current[at + 1] = (byte) ('0' + value % 10);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int off, int len) {
            int written = 0;
            while (written < len) {
                if (pos >= chunk.length && !advance()) {
                    break;
                }
                int n = Math.min(len - written, chunk.length - pos);
                System.arraycopy(chunk, pos, into, off + written, n);
                pos += n;
                written += n;
            }
            return written == 0 && len > 0 ? -1 : written;
        }
    }
}
