package dev.nitelog.cli;

import dev.nitelog.metrics.Version;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.Level;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Command command(String... args) throws UsageException {
        return assertInstanceOf(Command.class, Command.parse(CLOCK, args), String.join(" ", args));
    }

    private static Parsed.Printout printout(String... args) throws UsageException {
        return assertInstanceOf(Parsed.Printout.class, Command.parse(CLOCK, args), String.join(" ", args));
    }

    @Test
    void noArgumentRunsTheDaemon() throws UsageException {
        assertEquals(Command.Kind.RUN, command().kind());
        assertTrue(command().startsDaemon());
        assertEquals(Optional.of("x.yaml"), command("run", "--config", "x.yaml").config());
        assertTrue(dev.nitelog.app.Invocation.current().startsDaemon(), "without a main method the daemon starts");
        assertEquals(Map.of("nitelog.jobs.exit-when-done", "true"), command("run", "--exit-when-done").settings());
        assertEquals(Map.of(), command("run").settings());
    }

    @Test
    void validateTakesAConfigFile() throws UsageException {
        Command command = command("validate", "--config", "x.yaml");
        assertEquals(Command.Kind.VALIDATE, command.kind());
        assertEquals(Optional.of("x.yaml"), command.config());
        assertFalse(command.startsDaemon());
    }

    @Test
    void stateListsShowsAndResetsWithAConfigFile() throws UsageException {
        Command list = command("state", "list", "--config", "x.yaml");
        assertEquals(Command.Kind.STATE, list.kind());
        assertEquals(Optional.of(new Command.StateOptions(Command.StateAction.LIST, Optional.empty())), list.state());
        assertEquals(Optional.of("x.yaml"), list.config());
        assertFalse(list.startsDaemon());
        assertEquals(Optional.of(new Command.StateOptions(Command.StateAction.SHOW, Optional.of("job-1"))), command("state", "show", "job-1").state());
        assertEquals(Optional.of(new Command.StateOptions(Command.StateAction.RESET, Optional.of("job-1"))), command("state", "reset", "job-1").state());
        assertThrows(UsageException.class, () -> Command.parse(java.time.Clock.systemUTC(), "state"));
        assertThrows(UsageException.class, () -> Command.parse(java.time.Clock.systemUTC(), "state", "reset"));
        assertThrows(UsageException.class, () -> Command.parse(java.time.Clock.systemUTC(), "state", "wipe"));
    }

    @Test
    void logsCollectsRepeatedAndCommaSeparatedFiltersInAnyCase() throws UsageException {
        Command command = command("logs", "job-1", "--level", "error,WARN", "--level", "Info",
                "--service", "taskrunner", "--follow", "-o", "json", "--config", "c.yaml");
        Command.LogsOptions logs = command.logs().orElseThrow();
        assertEquals("job-1", logs.jobId());
        assertTrue(logs.follow());
        assertEquals(Set.of(Level.ERROR, Level.WARN, Level.INFO), logs.levels());
        assertEquals(Set.of(Service.TASKRUNNER), logs.services());
        assertEquals(OutputFormat.JSON, logs.output());
        assertEquals(Optional.of("c.yaml"), command.config());
    }

    @Test
    void logsDefaultsToTextOnceForAllLinesWithoutTimestamps() throws UsageException {
        Command.LogsOptions logs = command("logs", "job-1").logs().orElseThrow();
        assertFalse(logs.follow());
        assertTrue(logs.levels().isEmpty() && logs.services().isEmpty());
        assertEquals(OutputFormat.TEXT, logs.output());
        assertEquals(Optional.empty(), logs.since());
        assertEquals(OptionalInt.empty(), logs.tail());
        assertFalse(logs.timestamps());
    }

    @Test
    void logsTakesKubectlStyleTailTimestampsAndSince() throws UsageException {
        Command.LogsOptions logs = command("logs", "job-1", "-f", "--since", "10m", "--tail", "100", "--timestamps").logs().orElseThrow();
        assertTrue(logs.follow());
        assertEquals(Optional.of(NOW.minusSeconds(600)), logs.since());
        assertEquals(OptionalInt.of(100), logs.tail());
        assertTrue(logs.timestamps());
        assertEquals(OptionalInt.empty(), command("logs", "job-1", "--tail=-1").logs().orElseThrow().tail(), "-1: all, as kubectl");
        assertEquals(OptionalInt.of(0), command("logs", "job-1", "--tail", "0").logs().orElseThrow().tail());
    }

    @ParameterizedTest(name = "--since {0}")
    @CsvSource({
            "10m,                       2026-01-02T02:54:05Z",
            "1h30m,                     2026-01-02T01:34:05Z",
            "45s,                       2026-01-02T03:03:20Z",
            "2d,                        2025-12-31T03:04:05Z",
            "1500ms,                    2026-01-02T03:04:03.500Z",
            "2026-01-01T00:00:00Z,      2026-01-01T00:00:00Z",
            "2026-01-01T02:00:00+02:00, 2026-01-01T00:00:00Z",
    })
    void sinceIsADurationBackFromNowOrAnRfc3339Time(String since, String expected) throws UsageException {
        assertEquals(Optional.of(Instant.parse(expected)), command("logs", "j", "--since", since).logs().orElseThrow().since());
    }

    @Test
    void helpAndVersionArePrintedWithExitCode0() throws UsageException {
        for (String[] args : new String[][]{{"--help"}, {"-h"}, {"help"}}) {
            Parsed.Printout help = printout(args);
            assertEquals(0, help.exitCode());
            assertTrue(help.stdout().startsWith("Usage: nitelog "), help.stdout());
            for (String command : new String[]{"run", "validate", "logs", "version", "completion"}) {
                assertTrue(help.stdout().contains("  " + command + " "), command + " listed: " + help.stdout());
            }
        }
        assertEquals(new Parsed.Printout("nitelog " + Version.current() + "\n", 0), printout("version"));
        assertEquals(printout("version"), printout("--version"));
    }

    @Test
    void eachCommandHasItsOwnHelp() throws UsageException {
        for (String[] args : new String[][]{{"logs", "--help"}, {"logs", "job-1", "-h"}, {"help", "logs"}}) {
            Parsed.Printout help = printout(args);
            assertEquals(0, help.exitCode());
            assertTrue(help.stdout().startsWith("Usage: nitelog logs "), help.stdout());
            for (String flag : new String[]{"--follow", "--since", "--tail", "--timestamps", "--level", "--config"}) {
                assertTrue(help.stdout().contains(flag), flag + ": " + help.stdout());
            }
        }
        assertTrue(printout("validate", "--help").stdout().startsWith("Usage: nitelog validate "));
        assertTrue(printout("run", "--help").stdout().contains("--config"));
    }

    @Test
    void completionPrintsABashScriptCoveringTheCommandsAndFlags() throws UsageException {
        Parsed.Printout completion = printout("completion");
        assertEquals(0, completion.exitCode());
        assertTrue(completion.stdout().startsWith("#!/usr/bin/env bash"), completion.stdout());
        assertTrue(completion.stdout().contains("complete -F _complete_nitelog"), "registers the function");
        assertTrue(completion.stdout().contains("--timestamps") && completion.stdout().contains("validate"));
    }

    @Test
    void rejectsWhatItDoesNotUnderstandWithTheUsageOfThatCommand() {
        for (String[] args : new String[][]{{"frobnicate"}, {"--nope"}, {"logs"}, {"logs", "a", "b"},
                {"logs", "a", "--level", "loud"}, {"logs", "a", "--output"}, {"logs", "a", "--output", "xml"},
                {"logs", "a", "--tail", "x"}, {"logs", "a", "--tail", "-2"}, {"logs", "a", "--since", "yesterday"},
                {"logs", "a", "--since", "10"}, {"logs", "a", "--since", "99999999999999999999d"},
                {"validate", "--config"}, {"validate", "extra"}, {"version", "--x"}, {"completion", "zsh"}}) {
            UsageException e = assertThrows(UsageException.class, () -> Command.parse(CLOCK, args), String.join(" ", args));
            assertFalse(e.getMessage().isBlank() || e.getMessage().contains("\n"), "one line: " + e.getMessage());
            String command = args[0].startsWith("-") || args[0].equals("frobnicate") ? "" : args[0] + " ";
            assertTrue(e.usage().startsWith("Usage: nitelog " + command), String.join(" ", args) + ": " + e.usage());
        }
    }
}
