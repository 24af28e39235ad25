package dev.nitelog.cli;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.Level;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTest {

    @Test
    void noArgumentRunsTheDaemon() throws UsageException {
        assertEquals(Command.Kind.RUN, Command.parse().kind());
        assertTrue(Command.parse().startsDaemon());
        assertTrue(Invocation.current().startsDaemon(), "without a main method the daemon starts");
    }

    @Test
    void validateTakesAConfigFile() throws UsageException {
        Command command = Command.parse("validate", "--config", "x.yaml");
        assertEquals(Command.Kind.VALIDATE, command.kind());
        assertEquals(Optional.of("x.yaml"), command.config());
        assertFalse(command.startsDaemon());
    }

    @Test
    void logsCollectsRepeatedAndCommaSeparatedFiltersInAnyCase() throws UsageException {
        Command command = Command.parse("logs", "job-1", "--level", "error,WARN", "--level", "Info",
                "--service", "taskrunner", "--follow", "-o", "json");
        Command.LogsOptions logs = command.logs();
        assertEquals("job-1", logs.jobId());
        assertTrue(logs.follow());
        assertEquals(Set.of(Level.ERROR, Level.WARN, Level.INFO), logs.levels());
        assertEquals(Set.of(Service.TASKRUNNER), logs.services());
        assertEquals(OutputFormat.JSON, logs.output());
    }

    @Test
    void logsDefaultsToTextOnceForAllLines() throws UsageException {
        Command.LogsOptions logs = Command.parse("logs", "job-1").logs();
        assertFalse(logs.follow());
        assertTrue(logs.levels().isEmpty() && logs.services().isEmpty());
        assertEquals(OutputFormat.TEXT, logs.output());
    }

    @Test
    void rejectsWhatItDoesNotUnderstand() {
        for (String[] args : new String[][]{{"frobnicate"}, {"logs"}, {"logs", "a", "b"}, {"logs", "a", "--level", "loud"},
                {"logs", "a", "--output"}, {"validate", "--config"}, {"validate", "extra"}, {"version", "--x"}}) {
            assertThrows(UsageException.class, () -> Command.parse(args), String.join(" ", args));
        }
    }
}
