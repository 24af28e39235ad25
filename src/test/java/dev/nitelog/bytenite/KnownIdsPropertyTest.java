package dev.nitelog.bytenite;

import dev.nitelog.cursor.Cursors;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dropping known lines while parsing changes nothing a poll does: for random bodies (lines out of
 * order, identical lines, ties) and random sink states, each sink is offered exactly what it would
 * be offered had every line been materialised, and settles the same.
 */
class KnownIdsPropertyTest {
    private static final JobRef JOB = new JobRef("job-p", "property");
    private static final List<String> SINKS = List.of("a", "b");
    private static final Instant T = Instant.parse("2025-07-11T16:29:20.125431870Z");

    @Test
    void offersEachSinkWhatTheFullParseWouldOffer() throws Exception {
        long seed = Long.getLong("knownids.seed", System.nanoTime());
        System.out.println("KnownIdsPropertyTest seed " + seed + " (-Dknownids.seed to re-run)");
        Random random = new Random(seed);
        for (int round = 0; round < 400; round++) {
            byte[] body = body(random);
            long stateSeed = random.nextLong();
            List<LogRecord> all = parse(body, KnownIds.NONE).records();
            Cursors slow = state(all, new Random(stateSeed));
            Cursors fast = state(all, new Random(stateSeed));
            LogFetch fetch = parse(body, fast.forJob(JOB.id()).knownIds(SINKS));
            List<LogRecord> kept = fetch.records();
            boolean slowSettled = true;
            boolean fastSettled = fetch.unconfirmed() == 0; // as JobPoller decides it
            for (String sink : SINKS) {
                String where = "seed " + seed + ", round " + round + ", sink " + sink;
                assertEquals(slow.forJob(JOB.id()).offer(sink, all).records(),
                        fast.forJob(JOB.id()).offer(sink, kept).records(), where);
                slowSettled &= slow.forJob(JOB.id()).confirmed(sink, all);
                fastSettled &= fast.forJob(JOB.id()).confirmed(sink, kept);
            }
            assertEquals(slowSettled, fastSettled, "settled, seed " + seed + ", round " + round);
        }
    }

    private static LogFetch parse(byte[] body, KnownIds known) throws Exception {
        return new LogsParser(JOB, LineFilter.uniform(Long.MIN_VALUE, known), ParseLimits.NONE, RecordChunks.KEEP).parse(new ByteArrayInputStream(body));
    }

    /**
     * Each sink confirmed a random part of the lines; b also has some only sent, and in some
     * rounds every line not confirmed by a is sent to both (so the parser drops it as unconfirmed).
     */
    private static Cursors state(List<LogRecord> all, Random random) {
        Cursors cursors = new Cursors(Duration.ofDays(1));
        for (String sink : SINKS) {
            List<LogRecord> confirmed = new ArrayList<>();
            List<LogRecord> pending = new ArrayList<>();
            int mode = random.nextInt(4); // none, all, most, some
            for (LogRecord record : all) {
                boolean held = mode == 1 || (mode == 2 && random.nextInt(10) != 0) || (mode == 3 && random.nextBoolean());
                if (held) {
                    confirmed.add(record);
                } else if (sink.equals("b") && random.nextInt(4) == 0) {
                    pending.add(record);
                }
            }
            cursors.commit(sink, cursors.forJob(JOB.id()).offer(sink, confirmed).records());
            cursors.forJob(JOB.id()).offer(sink, pending);
        }
        if (random.nextInt(3) == 0) { // everything handed to both sinks, not all of it confirmed
            for (String sink : SINKS) {
                cursors.forJob(JOB.id()).offer(sink, all);
            }
        }
        return cursors;
    }

    private static byte[] body(Random random) {
        StringBuilder json = new StringBuilder("{\"partitioner\":").append(array(random))
                .append(",\"assembler\":").append(array(random)).append(",\"taskrunner\":{");
        int tasks = random.nextInt(3);
        for (int t = 0; t < tasks; t++) {
            json.append(t == 0 ? "" : ",").append("\"task-").append(t).append("\":{\"logs\":").append(array(random)).append('}');
        }
        return json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Lines drawn from few timestamps, messages and containers, so ties and repeats are common. */
    private static String array(Random random) {
        int n = random.nextInt(30);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String entry = "{\"log\":" + LogsParserTest.quote("msg " + random.nextInt(4) + " \u00e9".repeat(random.nextInt(3)))
                    + ",\"timestamp\":\"" + T.plusNanos(random.nextInt(5)) + "\",\"level\":\"INFO\",\"container\":\""
                    + (random.nextBoolean() ? "main" : "") + "\"}";
            entries.add(entry);
            if (random.nextInt(5) == 0) {
                entries.add(entry); // an identical line
            }
        }
        Collections.shuffle(entries, random);
        return "[" + String.join(",", entries) + "]";
    }
}
