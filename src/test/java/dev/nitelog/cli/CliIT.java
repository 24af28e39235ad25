package dev.nitelog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.ServedLine;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line of the packaged jar: validate, logs, version, help, usage errors and the demo, as processes. */
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EXIT = Duration.ofSeconds(60);

    private static String config(Path state, String jobs, String sinks) {
        return """
                nitelog:
                  jobs:
                %s
                  state:
                    dir: %s
                  sinks:
                %s
                """.formatted(jobs, state, sinks);
    }

    private static String simConfig(ByteNiteSimulator sim, Path state) {
        return """
                nitelog:
                  bytenite:
                    api-url: %s
                    auth-url: %s
                  jobs:
                    poll-interval: 200ms
                    drain-polls: 1
                  state:
                    dir: %s
                  sinks:
                    console:
                      type: stdout
                """.formatted(sim.apiUrl(), sim.authUrl(), state);
    }

    @Test
    void validateAcceptsAGoodConfigWithoutStartingTheDemo(@TempDir Path dir) throws Exception {
        String yaml = config(dir.resolve("state"), "    poll-interval: 2s",
                "    console:\n      type: stdout\n    files:\n      type: file\n      path: " + dir.resolve("out/{job}.log"));
        try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of())) {
            Result result = nitelog.runCommand(EXIT, "validate");
            assertEquals(0, result.exit(), result.stderr());
            assertEquals("nitelog: configuration OK (2 sinks: console (stdout), files (file))", result.stdout().strip());
            assertFalse(result.stderr().contains("DEMO"), "the simulator must not start: " + result.stderr());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown key           | poll-intervall: 2s   | console:\\n      type: stdout              | nitelog.jobs.poll-intervall",
            "bad duration          | poll-interval: fives | console:\\n      type: stdout              | nitelog.jobs.poll-interval",
            "unknown sink type     | poll-interval: 2s    | console:\\n      type: syslog              | nitelog.sinks.console.type=syslog",
            "negative number       | drain-polls: -1      | console:\\n      type: stdout              | nitelog.jobs.drain-polls=-1",
            "file sink without path| poll-interval: 2s    | files:\\n      type: file                  | nitelog.sinks.files.path",
            "state dir is a file   | poll-interval: 2s    | console:\\n      type: stdout              | nitelog.state.dir=",
            "wrong unit            | poll-interval: 5 parsecs | console:\\n      type: stdout          | nitelog.jobs.poll-interval=5 parsecs",
            "huge duration         | poll-interval: 9999999999d | console:\\n      type: stdout        | nitelog.jobs.poll-interval=9999999999d",
            "huge size             | poll-interval: 2s    | console:\\n      type: stdout\\n      queue-bytes: 99999999999999999999 | nitelog.sinks.console.queue-bytes=99999999999999999999",
            "path leaves its dir   | poll-interval: 2s    | files:\\n      type: file\\n      path: /tmp/nitelog-out/{job}/../../../etc/x.log | nitelog.sinks.files.path=/tmp/nitelog-out/{job}/../../../etc/x.log",
    })
    void validateRejectsABrokenConfigWithOneLineNamingTheKey(String name, String jobs, String sinks, String key,
                                                             @TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        if (name.startsWith("state dir")) {
            Files.writeString(state, "not a directory");
        }
        String yaml = config(state, "    " + jobs.strip(), "    " + sinks.strip().replace("\\n", "\n"));
        try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of())) {
            Result result = nitelog.runCommand(EXIT, "validate", "--config", nitelog.config().toString());
            assertEquals(2, result.exit(), result.stderr());
            List<String> lines = result.stderr().strip().lines().toList();
            assertEquals(1, lines.size(), "one line: " + result.stderr());
            assertTrue(lines.get(0).startsWith("nitelog: ") && lines.get(0).contains(key), lines.get(0));
            assertEquals("", result.stdout());
        }
    }

    @Test
    void versionPrintsTheBuildVersion(@TempDir Path dir) throws Exception {
        try (NitelogProcess nitelog = new NitelogProcess(dir, "broken: [", Map.of())) {
            Result result = nitelog.runCommand(EXIT, "version");
            assertEquals(0, result.exit(), result.stderr());
            assertEquals("nitelog 0.1.0-SNAPSHOT", result.stdout().strip());
        }
    }

    @Test
    void anUnknownCommandOrFlagPrintsTheUsageAndExits64(@TempDir Path dir) throws Exception {
        try (NitelogProcess nitelog = new NitelogProcess(dir, "", Map.of())) {
            for (String[] args : List.of(new String[]{"frobnicate"}, new String[]{"logs"},
                    new String[]{"logs", "job", "--output", "xml"}, new String[]{"validate", "--nope"})) {
                Result result = nitelog.runCommand(EXIT, args);
                assertEquals(64, result.exit(), String.join(" ", args) + ": " + result.stderr());
                assertTrue(ownLines(result.stderr()).get(0).startsWith("nitelog: "), result.stderr());
                assertTrue(ownLines(result.stderr()).get(1).startsWith("Usage: nitelog"), result.stderr());
                assertEquals("", result.stdout());
            }
        }
    }

    /** stderr without the JVM's own notes (a CI may set JAVA_TOOL_OPTIONS). */
    private static List<String> ownLines(String stderr) {
        return stderr.lines().filter(l -> !l.startsWith("Picked up ")).toList();
    }

    @Test
    void helpOfNitelogAndOfEachCommandGoesToStdoutWithExit0(@TempDir Path dir) throws Exception {
        try (NitelogProcess nitelog = new NitelogProcess(dir, "broken: [", Map.of())) {
            Map<String, List<String>> usageOf = Map.of("Usage: nitelog [", List.of("--help"),
                    "Usage: nitelog logs ", List.of("logs", "--help"), "Usage: nitelog validate ", List.of("help", "validate"));
            for (Map.Entry<String, List<String>> help : usageOf.entrySet()) {
                Result result = nitelog.runCommand(EXIT, help.getValue().toArray(String[]::new));
                assertEquals(0, result.exit(), help.getValue() + ": " + result.stderr());
                assertTrue(result.stdout().startsWith(help.getKey()), result.stdout());
                assertEquals(List.of(), ownLines(result.stderr()), "help boots nothing, so says nothing");
            }
            Result completion = nitelog.runCommand(EXIT, "completion");
            assertEquals(0, completion.exit(), completion.stderr());
            assertTrue(completion.stdout().contains("complete -F _complete_nitelog"), completion.stdout());
        }
    }

    @Test
    void withNoConfigAndNoKeyItRunsTheDemoFromAnEmptyDirectory(@TempDir Path dir) throws Exception {
        try (NitelogProcess nitelog = NitelogProcess.unconfigured(dir)) {
            nitelog.start();
            List<String> records = nitelog.awaitStdoutLines(3, EXIT);
            String notice = ownLines(nitelog.stderr()).get(0);
            assertTrue(notice.startsWith("nitelog: DEMO: no config file"), "said first: " + nitelog.stderr());
            assertTrue(records.stream().allMatch(l -> l.contains(" | ")), "text records: " + records);
            Path state = Path.of(notice.replaceAll(".*state in (\\S+) \\(removed at exit\\)$", "$1"));
            assertTrue(Files.isDirectory(state), notice);
            nitelog.awaitStarted(EXIT);
            assertEquals(0, nitelog.terminate(EXIT), nitelog.stderr());
            assertFalse(Files.exists(state), "the demo's state directory is removed at exit: " + state);
            try (var left = Files.list(dir.resolve("cwd"))) {
                assertEquals(List.of(), left.toList(), "nothing written to the working directory");
            }
        }
    }

    @Test
    void logsPrintsEveryLineOfAJobOnceInTimeOrderAndWritesNoState(@TempDir Path dir) throws Exception {
        Instant t0 = Instant.parse("2026-01-02T03:04:05.123456789Z");
        List<ScriptedLine> script = List.of(
                ScriptedLine.task("task-1", t0.plusMillis(30), "ERROR", "app", "third"),
                ScriptedLine.partitioner(t0, "first"),
                ScriptedLine.task("task-1", t0.plusMillis(10), "INFO", "app", "second"),
                ScriptedLine.task("task-1", t0.plusMillis(10), "INFO", "app", "second"), // a real repeat: kept
                ScriptedLine.assembler(t0.plusMillis(40), "fourth\nwith a newline"));
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build())) {
            String job = sim.addJob("scripted", script);
            sim.completeJob(job);
            Path state = dir.resolve("state");
            try (NitelogProcess nitelog = new NitelogProcess(dir, simConfig(sim, state),
                    Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
                Result text = nitelog.runCommand(EXIT, "logs", job, "--timestamps");
                assertEquals(0, text.exit(), text.stderr());
                assertEquals(List.of(
                        "2026-01-02T03:04:05.123456789Z UNKNOWN scripted/partitioner - | first",
                        "2026-01-02T03:04:05.133456789Z INFO scripted/taskrunner/task-1 app | second",
                        "2026-01-02T03:04:05.133456789Z INFO scripted/taskrunner/task-1 app | second",
                        "2026-01-02T03:04:05.153456789Z ERROR scripted/taskrunner/task-1 app | third",
                        "2026-01-02T03:04:05.163456789Z UNKNOWN scripted/assembler - | fourth\\nwith a newline"),
                        text.stdout().lines().toList());

                Result json = nitelog.runCommand(EXIT, "logs", job, "--output", "json");
                assertEquals(0, json.exit(), json.stderr());
                List<String> messages = new ArrayList<>();
                Set<String> ids = new HashSet<>();
                for (String line : json.stdout().lines().toList()) {
                    JsonNode record = JSON.readTree(line);
                    assertEquals(job, record.get("job_id").asText());
                    assertTrue(ids.add(record.get("id").asText()), "each record once: " + line);
                    messages.add(record.get("message").asText());
                }
                assertEquals(List.of("first", "second", "second", "third", "fourth\nwith a newline"), messages);

                Result errors = nitelog.runCommand(EXIT, "logs", job, "--level", "error", "--service", "taskrunner");
                assertEquals(List.of("ERROR scripted/taskrunner/task-1 app | third"), errors.stdout().lines().toList(),
                        "without --timestamps, as kubectl logs");
                assertFalse(Files.exists(state), "logs must not write checkpoints");
            }
        }
    }

    @Test
    void logsFollowPrintsEveryLineOnceAndExitsAfterTheJobEnded(@TempDir Path dir) throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(0).tasksPerJob(2).linesPerJob(80)
                .linesPerSecond(40).build();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, simConfig(sim, dir.resolve("state")),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            System.out.println("simulator seed " + sim.seed());
            String job = sim.addGeneratedJob();
            Result result = nitelog.runCommand(Duration.ofMinutes(2), "logs", job, "--follow", "--output", "json");
            assertEquals(0, result.exit(), result.stderr());
            assertTrue(sim.jobState(job).matches("JOB_STATE_(COMPLETE|FAILED)"), sim.jobState(job));
            List<String> printed = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (String line : result.stdout().lines().toList()) {
                JsonNode r = JSON.readTree(line);
                assertTrue(ids.add(r.get("id").asText()), "each record once: " + line);
                printed.add(r.get("timestamp").asText() + " " + r.get("message").asText());
            }
            List<String> served = new ArrayList<>();
            for (ServedLine l : sim.servedLines(job)) {
                served.add(l.timestamp() + " " + l.message());
            }
            // the generated job writes late lines (stamped up to 30 s back): --follow prints them when
            // they arrive, so the output is every served line once, not globally in time order
            assertEquals(served.stream().sorted().toList(), printed.stream().sorted().toList());
        }
    }

    @Test
    void logsFollowPrintsALateLineWhenItArrivesAfterNewerOnes(@TempDir Path dir) throws Exception {
        Instant t0 = Instant.parse("2026-01-02T03:04:05.100Z");
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build());
             NitelogProcess nitelog = new NitelogProcess(dir, simConfig(sim, dir.resolve("state")),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            // one fetch: printed in time order, whatever order the response lists them in
            String job = sim.addJob("late", List.of(
                    ScriptedLine.task("task-1", t0.plusMillis(200), "INFO", "app", "c"),
                    ScriptedLine.task("task-2", t0, "INFO", "app", "a"),
                    ScriptedLine.task("task-1", t0.plusMillis(100), "INFO", "app", "b")));
            nitelog.startCommand("logs", job, "--follow");
            nitelog.awaitStdoutLines(3, EXIT);
            // arrives after "c" was printed, stamped before it: printed when seen, then the newer line
            sim.appendLines(job, List.of(ScriptedLine.task("task-2", t0.plusMillis(50), "INFO", "app", "late"),
                    ScriptedLine.task("task-2", t0.plusMillis(300), "INFO", "app", "d")));
            nitelog.awaitStdoutLines(5, EXIT);
            sim.completeJob(job);
            assertEquals(0, nitelog.awaitExit(EXIT), nitelog.stderr());
            assertEquals(List.of("a", "b", "c", "late", "d"),
                    nitelog.stdoutLines().stream().map(l -> l.substring(l.indexOf(" | ") + 3)).toList());
        }
    }

    @Test
    void logsSinceAndTailPickTheLinesLikeKubectlAndFollowGoesOnAfterTheTail(@TempDir Path dir) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build());
             NitelogProcess nitelog = new NitelogProcess(dir, simConfig(sim, dir.resolve("state")),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            String job = sim.addJob("window", List.of(
                    ScriptedLine.task("task-1", now.minus(Duration.ofHours(2)), "INFO", "app", "2h ago"),
                    ScriptedLine.task("task-1", now.minus(Duration.ofMinutes(30)), "INFO", "app", "30m ago"),
                    ScriptedLine.task("task-1", now.minus(Duration.ofMinutes(5)), "INFO", "app", "5m ago"),
                    ScriptedLine.task("task-1", now.minus(Duration.ofMinutes(1)), "INFO", "app", "1m ago")));
            assertEquals(List.of("5m ago", "1m ago"), messages(nitelog.runCommand(EXIT, "logs", job, "--since", "10m")));
            assertEquals(List.of("30m ago", "5m ago", "1m ago"), messages(nitelog.runCommand(EXIT, "logs", job,
                    "--since", now.minus(Duration.ofMinutes(31)).toString())));
            assertEquals(List.of("5m ago", "1m ago"), messages(nitelog.runCommand(EXIT, "logs", job, "--tail", "2")));
            assertEquals(List.of("1m ago"), messages(nitelog.runCommand(EXIT, "logs", job, "--tail", "2", "--since", "2m")));

            Result stamped = nitelog.runCommand(EXIT, "logs", job, "--tail", "1", "--timestamps");
            String stamp = now.minus(Duration.ofMinutes(1)).toString().replace("Z", ".000000000Z");
            assertEquals(List.of(stamp + " INFO window/taskrunner/task-1 app | 1m ago"),
                    stamped.stdout().lines().toList());

            nitelog.startCommand("logs", job, "--follow", "--tail", "1");
            nitelog.awaitStdoutLines(1, EXIT);
            sim.appendLines(job, List.of(ScriptedLine.task("task-1", Instant.now(), "INFO", "app", "new")));
            nitelog.awaitStdoutLines(2, EXIT);
            sim.completeJob(job);
            assertEquals(0, nitelog.awaitExit(EXIT), nitelog.stderr());
            assertEquals(List.of("1m ago", "new"), nitelog.stdoutLines().stream().map(CliIT::message).toList(),
                    "the tail of the first fetch, then every new line");
        }
    }

    private static List<String> messages(Result result) {
        assertEquals(0, result.exit(), result.stderr());
        return result.stdout().lines().map(CliIT::message).toList();
    }

    private static String message(String textLine) {
        return textLine.substring(textLine.indexOf(" | ") + 3);
    }

    @Test
    void logsOfAnUnknownJobSaysSoAndExits1(@TempDir Path dir) throws Exception {
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build());
             NitelogProcess nitelog = new NitelogProcess(dir, simConfig(sim, dir.resolve("state")),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            Result result = nitelog.runCommand(EXIT, "logs", "no-such-job");
            assertEquals(1, result.exit(), result.stderr());
            assertEquals("nitelog: ByteNite has no job no-such-job", result.stderr().strip());
            assertEquals("", result.stdout());
        }
    }
}
