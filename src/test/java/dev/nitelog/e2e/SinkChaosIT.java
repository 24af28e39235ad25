package dev.nitelog.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.LogService;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.BulkFaultProxy;
import dev.nitelog.testing.EmbeddedOpenSearch;
import dev.nitelog.testing.KafkaBroker;
import dev.nitelog.testing.MetricsScrape;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogYaml;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.nitelog.e2e.DurabilityIT.allJobsEnded;
import static dev.nitelog.e2e.EndToEndIT.describeDifference;
import static dev.nitelog.e2e.EndToEndIT.key;
import static dev.nitelog.e2e.EndToEndIT.served;
import static dev.nitelog.e2e.EndToEndIT.total;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chaos with sinks and restarts. One nitelog configuration with
 * a file sink, a Kafka sink (the in-process broker) and an Elasticsearch sink (the embedded
 * OpenSearch behind a {@link BulkFaultProxy}) follows scripted and generated simulator jobs while,
 * at seeded moments,
 * <ul>
 *   <li>the Kafka broker is stopped and started again on the same port;
 *   <li>the search engine answers bulk requests with 429, 503 (some after storing them) and
 *       item-level 403 {@code security_exception} for a while, then recovers;
 *   <li>nitelog is killed (kill -9) and stopped (SIGTERM), and restarted on the same state directory;
 *   <li>lines arrive late, up to 10 minutes below their stream's newest line
 *       ({@code dedup.lateness: 10m}), and one task's clock runs 10 minutes fast.
 * </ul>
 * In the end, every line the simulator served is in every sink (a multiset of (job, service, task,
 * container, timestamp, level, message)), per the delivery guarantees of docs/operations.md:
 * <ul>
 *   <li>Elasticsearch exactly once: a document's {@code _id} is the record id, a re-send is a 409;
 *   <li>file and Kafka at least once, and repeated only as documented: after a kill -9, what the
 *       sink received in the last two flush intervals before it (plus slack for a busy machine);
 *       for Kafka also one batch per broker stop (a batch failed after some of it was acknowledged).
 *       Nothing for a SIGTERM.
 * </ul>
 * {@code -Dsinkchaos.seed=} re-runs a schedule, {@code -Dsinkchaos.duration=} (default 90s) sets
 * the length of the chaos phase. The seed fixes the schedule, the lines' content and the order of
 * the search faults; how requests interleave with them still depends on the machine.
 */
class SinkChaosIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOPIC = "sinkchaos-logs";
    private static final String INDEX = "sinkchaos-logs";
    private static final int BATCH = 200;
    private static final Duration FLUSH = Duration.ofMillis(200);
    private static final Duration LATENESS = Duration.ofMinutes(10);
    /** Late lines are stamped at most this far below their stream's newest line: within the lateness. */
    private static final Duration MAX_LATE = LATENESS.minusSeconds(5);
    private static final Duration FAST_CLOCK = Duration.ofMinutes(10);
    /**
     * What a kill -9 may ship again: a record counts as delivered after the flush that follows its
     * write and its cursor reaches disk at the next one, so what the sink received in the last two
     * flush intervals, plus slack for a machine so busy that a flush runs late.
     */
    private static final Duration REPLAY_WINDOW = FLUSH.multipliedBy(2).plusSeconds(3);
    private static final int SCRIPTED_JOBS = 4;
    private static final int GENERATED_JOBS = 2;
    private static final double GENERATED_LINES_PER_SECOND = 10;

    @Test
    void everySinkGetsEveryLineThroughBrokerRestartBulkFaultsKillsAndLateLines(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("sinkchaos.seed", System.nanoTime());
        Duration duration = ChaosIT.duration(System.getProperty("sinkchaos.duration", "90s"));
        System.out.println("sink chaos test seed " + seed + ", duration " + duration + " (re-run with -Dsinkchaos.seed="
                + seed + " -Dsinkchaos.duration=" + duration.toSeconds() + "s)");
        Random random = new Random(seed);
        List<Event> schedule = schedule(random, duration);
        System.out.println("sink chaos schedule: " + schedule);
        long began = System.nanoTime();
        SimulatorOptions options = SimulatorOptions.builder().seed(seed).jobs(GENERATED_JOBS).tasksPerJob(2)
                .linesPerJob((int) (GENERATED_LINES_PER_SECOND * duration.toSeconds() * 0.8))
                .linesPerSecond(GENERATED_LINES_PER_SECOND).build();
        Path out = dir.resolve("out/all.log");
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
        try (KafkaBroker broker = KafkaBroker.start(Map.of("log.message.timestamp.type", "LogAppendTime"));
             EmbeddedOpenSearch engine = new EmbeddedOpenSearch().start();
             BulkFaultProxy search = BulkFaultProxy.start(engine.url(), seed);
             ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir, broker, search),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            broker.createTopic(TOPIC, 1);
            ScriptedJobs jobs = new ScriptedJobs(sim, new Random(random.nextLong()), duration);
            LineCounter fileLines = new LineCounter(out);
            System.out.printf("sink chaos: servers up in %d s%n", (System.nanoTime() - began) / 1_000_000_000L);

            nitelog.start().awaitStarted(Duration.ofMinutes(1));
            long start = System.nanoTime();
            background.scheduleWithFixedDelay(() -> jobs.tick(System.nanoTime() - start), 0, 100, TimeUnit.MILLISECONDS);
            background.scheduleWithFixedDelay(fileLines::sample, 0, 50, TimeUnit.MILLISECONDS);

            List<Kill> kills = new ArrayList<>();
            int brokerStops = 0;
            List<Long> brokerStarts = new ArrayList<>();
            int sigterms = 0;
            for (Event event : schedule) {
                parkUntil(start + event.at().toNanos());
                System.out.printf("sink chaos: %s at %.1f s%n", event.action(), (System.nanoTime() - start) / 1e9);
                switch (event.action()) {
                    case BROKER_STOP -> {
                        broker.stopBroker();
                        brokerStops++;
                    }
                    case BROKER_START -> {
                        brokerStarts.add(System.currentTimeMillis());
                        broker.startBroker();
                    }
                    case SEARCH_FAULTS_ON -> search.faults(true);
                    case SEARCH_FAULTS_OFF -> {
                        // the faults last until nitelog met each kind at least once, whatever the machine's pace
                        await("every kind of bulk fault injected").atMost(Duration.ofMinutes(1))
                                .pollInterval(Duration.ofMillis(100)).until(search::injectedEveryKind);
                        search.faults(false);
                    }
                    case KILL -> {
                        long killNanos = System.nanoTime();
                        long killMillis = System.currentTimeMillis();
                        nitelog.kill();
                        long fileAfterKill = fileLines.count();
                        long fileAtWindowStart = fileLines.countAtOrBefore(killNanos - REPLAY_WINDOW.toNanos());
                        long restartMillis = System.currentTimeMillis();
                        nitelog.start();
                        kills.add(new Kill(killMillis, restartMillis, fileAfterKill - fileAtWindowStart));
                        nitelog.awaitStarted(Duration.ofMinutes(1));
                    }
                    case SIGTERM -> {
                        assertEquals(0, nitelog.terminate(Duration.ofSeconds(60)), "a clean exit on SIGTERM");
                        sigterms++;
                        nitelog.start().awaitStarted(Duration.ofMinutes(1));
                    }
                }
            }
            parkUntil(start + duration.toNanos());

            try {
                await("every job ended and retired, every sink confirmed everything").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1)).ignoreException(IOException.class)
                        .until(() -> stillRunning(nitelog) && jobs.finished() && allJobsEnded(sim) && retired(nitelog)
                                && finishedJobs(nitelog).containsAll(sim.jobIds()));
            } catch (ConditionTimeoutException e) {
                System.out.printf("file: %s%nindex: %d documents%nnitelog's log:%n%s%n",
                        describeDifference(served(sim), fileOutput(out).counts()), indexCount(engine), nitelog.stderr());
                throw e;
            }
            background.shutdownNow();
            System.out.printf("sink chaos: drained %.1f s after the start%n", (System.nanoTime() - start) / 1e9);
            MetricsScrape metrics = MetricsScrape.of(nitelog.httpPort());

            Map<String, Integer> served = served(sim);
            FileOutput file = fileOutput(out);
            List<ConsumerRecord<byte[], byte[]>> inKafka = broker.readAll(TOPIC);
            Map<String, JsonNode> inIndex = documents(engine);

            // Elasticsearch: exactly once
            Map<String, Integer> indexed = new HashMap<>();
            inIndex.values().forEach(doc -> indexed.merge(documentKey(doc), 1, Integer::sum));
            // file and Kafka: at least once, repeats bounded
            Map<String, Integer> kafka = EndToEndIT.shipped(inKafka.stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
            long fileAllowed = kills.stream().mapToLong(Kill::fileReceivedInWindow).sum();
            long kafkaAllowed = (long) BATCH * brokerStops;
            for (Kill kill : kills) {
                kafkaAllowed += appendedBetween(inKafka, kill.killMillis() - REPLAY_WINDOW.toMillis(), kill.restartMillis());
            }
            for (Kill kill : kills) {
                System.out.printf("sink chaos: kill at %d: file received %d lines in the replay window before it,"
                                + " kafka %d (%d in the last two flush intervals)%n", kill.killMillis(),
                        kill.fileReceivedInWindow(), appendedBetween(inKafka, kill.killMillis() - REPLAY_WINDOW.toMillis(),
                                kill.restartMillis()),
                        appendedBetween(inKafka, kill.killMillis() - FLUSH.multipliedBy(2).toMillis(), kill.restartMillis()));
            }
            System.out.println("sink chaos: kafka repeats by when their first copy was appended: "
                    + attributeRepeats(inKafka, served, kills, brokerStarts));
            System.out.printf(Locale.ROOT, "sink chaos: %d lines of %d jobs (%d late up to %s below their stream,"
                            + " %d from a clock %s fast), %d kills, %d SIGTERMs, %d broker stops%n",
                    total(served), sim.jobIds().size(), jobs.late, MAX_LATE, jobs.fast, FAST_CLOCK, kills.size(),
                    sigterms, brokerStops);
            System.out.printf("sink chaos: bulk requests %d; 429 %d, 503 %d, 503 after storing %d, with 403 items %d"
                            + " (%d items), passed during faults %d%n", search.bulkRequests(),
                    search.injected(BulkFaultProxy.Fault.TOO_MANY_REQUESTS), search.injected(BulkFaultProxy.Fault.UNAVAILABLE),
                    search.injected(BulkFaultProxy.Fault.UNAVAILABLE_AFTER_STORING),
                    search.injected(BulkFaultProxy.Fault.ITEMS_FORBIDDEN), search.forbiddenItems(),
                    search.injected(BulkFaultProxy.Fault.NONE));
            System.out.printf("sink chaos: duplicates: file %d (allowed %d, %d torn lines), kafka %d (allowed %d),"
                            + " elasticsearch %d; last run: %d future, %d late lines%n",
                    total(file.counts()) - total(served), fileAllowed, file.torn(), inKafka.size() - total(served),
                    kafkaAllowed, inIndex.size() - total(served), metrics.count("nitelog_records_future_total"),
                    metrics.count("nitelog_records_late_total"));

            assertTrue(served.equals(indexed), () -> "the index holds every line exactly once: "
                    + describeDifference(served, indexed));
            assertNoLossAndBoundedRepeats("file", served, file.counts(), fileAllowed);
            assertTrue(file.torn() <= kills.size(), "a torn line only where a kill cut a write: " + file.torn());
            assertNoLossAndBoundedRepeats("kafka", served, kafka, kafkaAllowed);
            assertTrue(inKafka.stream().allMatch(r -> r.timestampType() == TimestampType.LOG_APPEND_TIME),
                    "the topic stamps append times, which bound the repeats");
            assertEquals(inIndex.keySet(), new HashSet<>(file.ids()), "the file has the index's record ids");
            assertEquals(inIndex.keySet(), kafkaIds(inKafka), "Kafka has the index's record ids");
            assertTrue(jobs.late > 0 && jobs.fast > 0, "the run had late lines and lines from the fast clock");
            assertEquals(0, nitelog.terminate(Duration.ofSeconds(60)), "a clean exit on SIGTERM after the chaos");
            System.out.printf("sink chaos test took %d s%n", (System.nanoTime() - began) / 1_000_000_000L);
        } finally {
            background.shutdownNow();
        }
    }

    private static void assertNoLossAndBoundedRepeats(String sink, Map<String, Integer> served,
                                                      Map<String, Integer> shipped, long allowed) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        served.forEach((k, n) -> {
            if (shipped.getOrDefault(k, 0) < n) {
                missing.add(k.replace('\u0001', '|'));
            }
        });
        shipped.keySet().stream().filter(k -> !served.containsKey(k)).forEach(k -> extra.add(k.replace('\u0001', '|')));
        assertEquals(List.of(), missing.stream().limit(20).toList(), sink + " lost " + missing.size() + " lines");
        assertEquals(List.of(), extra.stream().limit(20).toList(), sink + " has lines never served");
        long repeats = total(shipped) - total(served);
        assertTrue(repeats <= allowed, sink + " repeated " + repeats + " lines, more than the " + allowed
                + " the kills and broker stops account for");
    }

    // ---------------------------------------------------------------------------------------------
    // the schedule

    enum Action { BROKER_STOP, BROKER_START, SEARCH_FAULTS_ON, SEARCH_FAULTS_OFF, KILL, SIGTERM }

    record Event(Duration at, Action action) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1fs %s", at.toMillis() / 1000.0, action);
        }
    }

    /**
     * One broker outage, one period of bulk faults, and six stops of nitelog (four kill -9, two
     * SIGTERM, in a seeded order), each at a seeded moment in its own sixth of the run.
     */
    static List<Event> schedule(Random random, Duration duration) {
        long d = duration.toMillis();
        List<Event> events = new ArrayList<>();
        long brokerDown = between(random, d * 15 / 100, d * 40 / 100);
        events.add(new Event(Duration.ofMillis(brokerDown), Action.BROKER_STOP));
        events.add(new Event(Duration.ofMillis(brokerDown + between(random, d * 12 / 100, d * 20 / 100)), Action.BROKER_START));
        long faultsOn = between(random, d * 30 / 100, d * 55 / 100);
        events.add(new Event(Duration.ofMillis(faultsOn), Action.SEARCH_FAULTS_ON));
        events.add(new Event(Duration.ofMillis(faultsOn + between(random, d * 15 / 100, d * 25 / 100)),
                Action.SEARCH_FAULTS_OFF));
        List<Action> stops = new ArrayList<>(List.of(Action.KILL, Action.KILL, Action.KILL, Action.KILL,
                Action.SIGTERM, Action.SIGTERM));
        java.util.Collections.shuffle(stops, random);
        long slot = d * 90 / 100 / stops.size();
        for (int i = 0; i < stops.size(); i++) {
            long from = d * 5 / 100 + i * slot;
            events.add(new Event(Duration.ofMillis(between(random, from, from + slot)), stops.get(i)));
        }
        events.sort(Comparator.comparing(Event::at));
        return events;
    }

    private static long between(Random random, long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }

    private static void parkUntil(long nanoTime) {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * A kill -9 and what it may make a sink receive again.
     *
     * @param fileReceivedInWindow lines the file received in the replay window before the kill
     */
    record Kill(long killMillis, long restartMillis, long fileReceivedInWindow) {
    }

    // ---------------------------------------------------------------------------------------------
    // the jobs

    /**
     * Jobs the test writes line by line, each with three tasks: the first job's first task stamps
     * its lines {@link #FAST_CLOCK} ahead, and now and then a line arrives late, stamped up to
     * {@link #MAX_LATE} below its stream's newest line; exact repeats and distinct lines that share
     * a timestamp come now and then too. Content and pace come from the seed; the jobs start over
     * the first half of the run, last half of it, and the last one ends at 95 %.
     */
    static final class ScriptedJobs {
        private record Stream(LogService service, String task, String container) {
        }

        private final ByteNiteSimulator sim;
        private final Random random;
        private final long durationNanos;
        private final String[] ids = new String[SCRIPTED_JOBS];
        private final boolean[] done = new boolean[SCRIPTED_JOBS];
        private final List<List<String>> tasks = new ArrayList<>();
        private final List<Map<Stream, Instant>> newest = new ArrayList<>();
        private int line;
        volatile int late;
        volatile int fast;
        private volatile boolean finished;

        ScriptedJobs(ByteNiteSimulator sim, Random random, Duration duration) {
            this.sim = sim;
            this.random = random;
            this.durationNanos = duration.toNanos();
            for (int j = 0; j < SCRIPTED_JOBS; j++) {
                List<String> t = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    t.add(new UUID(random.nextLong(), random.nextLong()).toString());
                }
                tasks.add(t);
                newest.add(new LinkedHashMap<>());
            }
        }

        boolean finished() {
            return finished;
        }

        private long startOf(int job) {
            return durationNanos * 45 / 100 * job / (SCRIPTED_JOBS - 1);
        }

        private long endOf(int job) {
            return startOf(job) + durationNanos / 2;
        }

        /** Called every 100 ms with the time since the start. */
        synchronized void tick(long elapsedNanos) {
            try {
                boolean all = true;
                for (int j = 0; j < SCRIPTED_JOBS; j++) {
                    if (done[j]) {
                        continue;
                    }
                    all = false;
                    if (elapsedNanos < startOf(j)) {
                        continue;
                    }
                    Instant now = Instant.now();
                    if (ids[j] == null) {
                        ids[j] = sim.addJob("sink-chaos-" + (j + 1), List.of(
                                stamp(j, ScriptedLine.partitioner(now, "Partitioner task started")),
                                stamp(j, ScriptedLine.partitioner(now, "Creating 3 chunks (num_replicas=3)"))));
                        continue;
                    }
                    if (elapsedNanos >= endOf(j)) {
                        sim.appendLines(ids[j], List.of(stamp(j, ScriptedLine.assembler(now, "Assembler task started")),
                                stamp(j, ScriptedLine.assembler(now, "Assembler task completed"))));
                        sim.completeJob(ids[j]);
                        done[j] = true;
                        continue;
                    }
                    List<ScriptedLine> lines = new ArrayList<>();
                    for (int n = random.nextInt(4); n > 0; n--) {
                        lines.addAll(next(j, now));
                    }
                    sim.appendLines(ids[j], lines);
                }
                finished = all;
            } catch (RuntimeException e) {
                e.printStackTrace(); // a scheduled task's exception would only stop the ticks silently
                throw e;
            }
        }

        private List<ScriptedLine> next(int j, Instant now) {
            int t = random.nextInt(3);
            boolean fastClock = j == 0 && t == 0;
            Instant ts = fastClock ? now.plus(FAST_CLOCK) : now;
            String container = random.nextInt(3) == 0 ? "main" : "";
            String level = container.isEmpty() ? "UNKNOWN" : List.of("INFO", "DEBUG", "WARN", "ERROR").get(random.nextInt(4));
            int n = ++line;
            int roll = random.nextInt(100);
            if (roll < 8 && !newest.get(j).isEmpty()) { // a late line on a stream that has written before
                List<Stream> seen = new ArrayList<>(newest.get(j).keySet());
                Stream s = seen.get(random.nextInt(seen.size()));
                Instant lateTs = newest.get(j).get(s).minusMillis(1 + (long) (random.nextDouble() * (MAX_LATE.toMillis() - 1)));
                late++;
                return List.of(stamp(j, new ScriptedLine(s.service(), s.task(), s.container(), lateTs,
                        s.container().isEmpty() ? "UNKNOWN" : "INFO", "delayed flush " + n + " of job " + j)));
            }
            String task = tasks.get(j).get(t);
            if (roll < 12) { // an exact repeat: both must arrive
                ScriptedLine twice = ScriptedLine.task(task, ts, "INFO", "main", "Retrying connection to object storage");
                return List.of(stamp(j, twice), stamp(j, twice));
            }
            if (roll < 16) { // distinct lines sharing timestamp and container
                return List.of(stamp(j, ScriptedLine.task(task, ts, "UNKNOWN", "", "batch " + n + " loaded")),
                        stamp(j, ScriptedLine.task(task, ts, "UNKNOWN", "", "batch " + n + " queued")));
            }
            String message = roll < 22 ? "Größe ✓ 画像 🚀 item " + n : "Processing item " + n + " of job " + j;
            return List.of(stamp(j, ScriptedLine.task(task, ts, level, container, message)));
        }

        /** Notes the line's stream's newest timestamp and counts fast-clock lines. */
        private ScriptedLine stamp(int j, ScriptedLine l) {
            Stream s = new Stream(l.service(), l.taskId(), l.container());
            newest.get(j).merge(s, l.timestamp(), (a, b) -> a.isAfter(b) ? a : b);
            if (l.service() == LogService.TASKRUNNER && l.taskId().equals(tasks.get(0).get(0)) && j == 0) {
                fast++;
            }
            return l;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the sinks

    private static String config(ByteNiteSimulator sim, Path dir, KafkaBroker broker, BulkFaultProxy search) {
        return NitelogYaml.against(sim, dir.resolve("state"))
                .set("state", "flush-interval", FLUSH.toMillis() + "ms")
                .set("dedup", "lateness", LATENESS.toMinutes() + "m")
                .set("shutdown", "timeout", "10s")
                .sinks("""
                            disk:
                              type: file
                              path: %s/out/all.log
                              max-size: 1G
                              batch-size: %d
                              linger: 20ms
                            bus:
                              type: kafka
                              topic: %s
                              batch-size: %d
                              retry-backoff: 200ms
                              retry-max-backoff: 2s
                              producer:
                                bootstrap.servers: %s
                                delivery.timeout.ms: 5000
                                request.timeout.ms: 2000
                                max.block.ms: 3000
                            search:
                              type: elasticsearch
                              urls: %s
                              index: %s
                              batch-size: %d
                              request-timeout: 10s
                              retry-backoff: 200ms
                              retry-max-backoff: 2s
                        """.formatted(dir, BATCH, TOPIC, BATCH, broker.bootstrapServers(), search.url(), INDEX, BATCH))
                .build();
    }

    /**
     * Counts the lines of a growing file as it grows, remembering the count at each sample, so a
     * test can tell how many lines arrived in an interval before a moment.
     */
    static final class LineCounter {
        private final Path file;
        private final TreeMap<Long, Long> samples = new TreeMap<>();
        private long offset;
        private long lines;

        LineCounter(Path file) {
            this.file = file;
        }

        /** Reads what was appended since the last call; returns the number of complete lines now. */
        synchronized long count() {
            if (!Files.exists(file)) {
                return lines;
            }
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                in.seek(offset);
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                    offset += n;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return lines;
        }

        synchronized void sample() {
            samples.put(System.nanoTime(), count());
        }

        /** The count at the last sample taken at or before {@code nanoTime}; 0 if none was. */
        synchronized long countAtOrBefore(long nanoTime) {
            Map.Entry<Long, Long> e = samples.floorEntry(nanoTime);
            return e == null ? 0 : e.getValue();
        }
    }

    /**
     * The file sink's lines as served-line keys, their record ids, and the lines that are not a
     * whole record (a write a kill cut short; the next record starts on a new line).
     */
    record FileOutput(Map<String, Integer> counts, List<String> ids, int torn) {
    }

    private static FileOutput fileOutput(Path file) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        List<String> ids = new ArrayList<>();
        int torn = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode r;
            try {
                r = JSON.readTree(line);
            } catch (IOException e) {
                torn++;
                continue;
            }
            counts.merge(recordKey(r), 1, Integer::sum);
            ids.add(r.get("id").asText());
        }
        return new FileOutput(counts, ids, torn);
    }

    /**
     * For diagnosis: each repeated Kafka message, classed by when its first copy was appended: in
     * the last two flush intervals before a kill, earlier in a kill's replay window, in the 10 s
     * after a broker start, or at another time.
     */
    private static Map<String, Integer> attributeRepeats(List<ConsumerRecord<byte[], byte[]>> records,
                                                         Map<String, Integer> served, List<Kill> kills,
                                                         List<Long> brokerStarts) throws IOException {
        Map<String, List<Long>> times = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            times.computeIfAbsent(recordKey(JSON.readTree(r.value())), k -> new ArrayList<>()).add(r.timestamp());
        }
        Map<String, Integer> classes = new TreeMap<>();
        times.forEach((key, list) -> {
            list.sort(Long::compare);
            for (int i = 0; i < list.size() - served.getOrDefault(key, 0); i++) {
                long t = list.get(i);
                String why = "other";
                for (Kill k : kills) {
                    if (t >= k.killMillis() - FLUSH.multipliedBy(2).toMillis() && t <= k.restartMillis()) {
                        why = "kill, last two flushes";
                    } else if (why.equals("other") && t >= k.killMillis() - REPLAY_WINDOW.toMillis() && t <= k.restartMillis()) {
                        why = "kill, replay window";
                    }
                }
                for (long start : brokerStarts) {
                    if (why.equals("other") && t >= start && t <= start + 10_000) {
                        why = "broker start + 10 s";
                    }
                }
                classes.merge(why, 1, Integer::sum);
            }
        });
        return classes;
    }

    /** Messages the broker appended from {@code fromMillis} to {@code toMillis} (the topic stamps append times). */
    private static long appendedBetween(List<ConsumerRecord<byte[], byte[]>> records, long fromMillis, long toMillis) {
        return records.stream().filter(r -> r.timestamp() >= fromMillis && r.timestamp() <= toMillis).count();
    }

    /** A record as nitelog writes it (file line, Kafka value) as a served-line key. */
    private static String recordKey(JsonNode r) {
        return key(r.get("job_id").asText(), r.get("service").asText(),
                r.get("task_id").isNull() ? null : r.get("task_id").asText(), r.get("container").asText(),
                Instant.parse(r.get("timestamp").asText()), r.get("level").asText(), r.get("message").asText());
    }

    private static Set<String> kafkaIds(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ids.add(new String(r.headers().lastHeader("nitelog-record-id").value(), StandardCharsets.UTF_8));
        }
        return ids;
    }

    /** An indexed document as a served-line key (docs/elasticsearch.md "Document"). */
    private static String documentKey(JsonNode doc) {
        JsonNode bytenite = doc.path("bytenite");
        return key(bytenite.path("job").path("id").asText(), bytenite.path("service").asText(),
                bytenite.path("task").has("id") ? bytenite.path("task").path("id").asText() : null,
                doc.path("container").path("name").asText(""), Instant.parse(doc.path("@timestamp").asText()),
                doc.path("log").path("level").asText(), doc.path("message").asText());
    }

    /** Every document of the index by {@code _id}, read straight from the engine with a scroll. */
    private static Map<String, JsonNode> documents(EmbeddedOpenSearch engine) throws Exception {
        send(engine, "POST", "/" + INDEX + "/_refresh", null);
        Map<String, JsonNode> docs = new HashMap<>();
        JsonNode page = JSON.readTree(send(engine, "POST", "/" + INDEX + "/_search?scroll=1m",
                "{\"size\":5000,\"sort\":[\"_doc\"]}"));
        while (page.path("hits").path("hits").size() > 0) {
            for (JsonNode hit : page.path("hits").path("hits")) {
                JsonNode before = docs.put(hit.path("_id").asText(), hit.path("_source"));
                assertTrue(before == null, "one document per _id");
            }
            page = JSON.readTree(send(engine, "POST", "/_search/scroll", JSON.writeValueAsString(
                    Map.of("scroll", "1m", "scroll_id", page.path("_scroll_id").asText()))));
        }
        return docs;
    }

    private static String send(EmbeddedOpenSearch engine, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(engine.url() + path))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    // ---------------------------------------------------------------------------------------------
    // nitelog

    private static boolean stillRunning(NitelogProcess nitelog) throws IOException {
        if (!nitelog.alive()) {
            throw new AssertionError("nitelog exited: " + nitelog.stderr());
        }
        return true;
    }

    /**
     * No job followed but done ones (terminal, drained, every sink confirmed all of it). Jobs retired
     * by an earlier run are not followed at all, so "done" may count fewer than the simulator's jobs.
     */
    private static boolean retired(NitelogProcess nitelog) throws IOException, InterruptedException {
        MetricsScrape m = MetricsScrape.of(nitelog.httpPort());
        return m.count("nitelog_jobs", "state", "active") == 0 && m.count("nitelog_jobs", "state", "draining") == 0
                && m.count("nitelog_jobs", "state", "pending") == 0;
    }

    private static final java.util.regex.Pattern FINISHED =
            java.util.regex.Pattern.compile("\\(([0-9a-f-]{36})\\) finished: all lines shipped");

    /**
     * The ids of the jobs some run of nitelog logged as finished, every sink having confirmed all
     * their lines: once every job is among them, waiting longer cannot add a line that is missing.
     */
    private static Set<String> finishedJobs(NitelogProcess nitelog) throws IOException {
        Set<String> ids = new HashSet<>();
        for (int i = 1; i <= nitelog.starts(); i++) {
            if (Files.exists(nitelog.stderrFile(i))) {
                java.util.regex.Matcher m = FINISHED.matcher(Files.readString(nitelog.stderrFile(i)));
                while (m.find()) {
                    ids.add(m.group(1));
                }
            }
        }
        return ids;
    }

    private static long indexCount(EmbeddedOpenSearch engine) throws Exception {
        send(engine, "POST", "/" + INDEX + "/_refresh?ignore_unavailable=true", null);
        return JSON.readTree(send(engine, "GET", "/" + INDEX + "/_count?ignore_unavailable=true", null)).path("count").asLong();
    }
}
