package dev.nitelog.e2e;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static dev.nitelog.e2e.EndToEndIT.served;
import static dev.nitelog.e2e.EndToEndIT.shipped;
import static dev.nitelog.e2e.EndToEndIT.total;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crash, SIGTERM and sink-outage behaviour of nitelog as a process, through file sinks. */
class DurabilityIT {
    private static final Duration FLUSH = Duration.ofMillis(200);

    static String config(ByteNiteSimulator sim, Path dir, String extra) {
        return NitelogYaml.against(sim, dir.resolve("state")).set("state", "flush-interval", FLUSH.toMillis() + "ms")
                .sinks("""
                            archive:
                              type: file
                              path: %s/out/all.log
                              max-size: 1G
                              batch-size: 200
                              linger: 20ms
                        """.formatted(dir) + extra).build();
    }

    static List<String> lines(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                // read while nitelog appends: a last line without its newline is not written yet
                String text = Files.readString(file, StandardCharsets.UTF_8);
                lines.addAll(text.substring(0, text.lastIndexOf('\n') + 1).lines().toList());
            }
        }
        return lines;
    }

    private static String key(String jsonLine) throws IOException {
        return shipped(List.of(jsonLine)).keySet().iterator().next();
    }

    static boolean allJobsEnded(ByteNiteSimulator sim) {
        return sim.jobIds().stream().allMatch(id -> sim.jobState(id).matches("JOB_STATE_(COMPLETE|FAILED)"));
    }

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void survivesTenKillsAtRandomMomentsWithoutLossAndWithFewDuplicates(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("crash test seed " + seed + " (re-run with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        SimulatorOptions options = SimulatorOptions.builder().jobs(4).tasksPerJob(3).linesPerJob(2500)
                .linesPerSecond(60).build();
        Path out = dir.resolve("out/all.log");
        long allowedDuplicateBytes = 0;
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir, ""),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            for (int crash = 0; crash < 10; crash++) {
                nitelog.start();
                // a random moment after the process is up and writing
                long before = size(out);
                await().atMost(Duration.ofMinutes(1)).until(() -> size(out) > before || allJobsEnded(sim));
                long end = System.nanoTime() + Duration.ofMillis(200 + random.nextInt(2500)).toNanos();
                Map<Long, Long> sizes = new HashMap<>();
                while (System.nanoTime() < end) {
                    sizes.put(System.nanoTime(), size(out));
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                }
                nitelog.kill();
                allowedDuplicateBytes += writtenInLastFlushes(sizes, size(out));
            }
            nitelog.start();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    allJobsEnded(sim) && shipped(lines(out.getParent())).keySet().equals(served(sim).keySet()));
            Map<String, Integer> served = served(sim);
            Map<String, List<String>> shippedLines = new HashMap<>();
            for (String raw : lines(out.getParent())) {
                shippedLines.computeIfAbsent(key(raw), k -> new ArrayList<>()).add(raw);
            }
            Map<String, Integer> shipped = new HashMap<>();
            shippedLines.forEach((k, raws) -> shipped.put(k, raws.size()));
            long duplicateBytes = 0;
            for (Map.Entry<String, Integer> line : served.entrySet()) {
                List<String> got = shippedLines.getOrDefault(line.getKey(), List.of());
                assertTrue(got.size() >= line.getValue(), "lost a line: " + line.getKey());
                for (String extra : got.subList(line.getValue(), got.size())) {
                    duplicateBytes += extra.getBytes(StandardCharsets.UTF_8).length + 1;
                }
            }
            System.out.printf("crash test: %d lines served, %d shipped, %d duplicated bytes (~%d allowed)%n",
                    total(served), total(shipped), duplicateBytes, allowedDuplicateBytes);
            assertTrue(duplicateBytes <= allowedDuplicateBytes,
                    "duplicates beyond what was written in the last flush intervals before each kill");
            nitelog.terminate(Duration.ofSeconds(30));
        }
    }

    /**
     * Bytes written within the last two flush intervals (plus a sampling margin) before the kill:
     * what a crash may legitimately ship again, since cursors reach disk one flush after the bytes.
     */
    private static long writtenInLastFlushes(Map<Long, Long> sizes, long finalSize) {
        long cutoff = System.nanoTime() - FLUSH.multipliedBy(2).plusMillis(150).toNanos();
        long sizeAtCutoff = sizes.entrySet().stream().filter(e -> e.getKey() <= cutoff)
                .max(Map.Entry.comparingByKey()).map(Map.Entry::getValue).orElse(0L);
        return Math.max(0, finalSize - sizeAtCutoff);
    }

    @Test
    void sigtermThenRestartSeveralTimesLosesNothingAndShipsNothingTwice(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("sigterm.seed", System.nanoTime());
        System.out.println("sigterm test seed " + seed);
        Random random = new Random(seed);
        SimulatorOptions options = SimulatorOptions.builder().jobs(3).tasksPerJob(3).linesPerJob(1500)
                .linesPerSecond(60).build();
        Path out = dir.resolve("out");
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir, ""),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            for (int stop = 0; stop < 4; stop++) {
                nitelog.start().awaitStarted(Duration.ofMinutes(1));
                long before = lines(out).size();
                await().atMost(Duration.ofMinutes(1)).until(() -> lines(out).size() > before || allJobsEnded(sim));
                LockSupport.parkNanos(Duration.ofMillis(random.nextInt(1500)).toNanos()); // a random moment
                assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)));
            }
            nitelog.start();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    allJobsEnded(sim) && total(shipped(lines(out))) >= total(served(sim)));
            assertEquals(served(sim), shipped(lines(out)), "every line exactly once");
            assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)));
        }
    }

    @Test
    void aFailingSinkNeverHoldsUpAHealthyOneAndCatchesUpCompletely(@TempDir Path dir) throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(3).tasksPerJob(2).linesPerJob(1500)
                .linesPerSecond(60).build();
        Path healthy = dir.resolve("out");
        Path broken = dir.resolve("flaky");
        String second = """
                    flaky:
                      type: file
                      path: %s/all.log
                      retry-backoff: 200ms
                      retry-max-backoff: 1s
                """.formatted(broken);
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir, second),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            nitelog.start();
            await().atMost(Duration.ofMinutes(1)).until(() -> lines(broken).size() > 50);
            // break the second sink: its directory becomes a regular file
            Path away = dir.resolve("flaky.away");
            Files.move(broken, away);
            Files.writeString(broken, "in the way");
            int healthyAtBreak = lines(healthy).size();
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(healthy).size() > healthyAtBreak + 200);
            int healthyLater = lines(healthy).size();
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(healthy).size() > healthyLater + 200);
            // repair it: the healthy sink never waited, the flaky one catches up completely
            Files.delete(broken);
            Files.move(away, broken);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> allJobsEnded(sim)
                    && shipped(lines(broken)).keySet().equals(served(sim).keySet())
                    && total(shipped(lines(healthy))) >= total(served(sim)));
            assertEquals(served(sim), shipped(lines(healthy)), "the healthy sink got every line exactly once");
            Map<String, Integer> flaky = shipped(lines(broken));
            served(sim).forEach((line, count) -> assertTrue(flaky.getOrDefault(line, 0) >= count, "flaky sink lost " + line));
            assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)));
        }
    }
}
