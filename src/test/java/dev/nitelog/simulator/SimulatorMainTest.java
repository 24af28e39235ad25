package dev.nitelog.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorMainTest {

    @Test
    void parsesNamedOptionsIntoSimulatorOptions() {
        SimulatorOptions o = SimulatorMain.parse(SimulatorMain.options(new String[] {"--jobs=7",
            "--lines-per-second=1000", "--timestamps=mixed", "--int64=number", "--unset=null", "--token-ttl=90s",
            "--seed=42", "--new-job-every=5", "--cache=true", "--fault-429=0.1", "--retry-after=3",
            "--fault-slow=0.5", "--slow-delay=250ms", "--fault-401=0.02", "--fault-stall=0.03", "--stall-delay=9s"}));
        assertEquals(7, o.jobs());
        assertEquals(1000, o.linesPerSecond());
        assertEquals(SimulatorOptions.TimestampPrecision.MIXED, o.timestamps());
        assertFalse(o.int64AsString());
        assertEquals(SimulatorOptions.UnsetFields.NULL, o.unsetFields());
        assertEquals(Duration.ofSeconds(90), o.tokenTtl());
        assertEquals(42, o.seed());
        assertEquals(Duration.ofSeconds(5), o.newJobEvery());
        assertTrue(o.cacheRenderedLogs());
        assertEquals(0.1, o.faults().tooManyRequests());
        assertEquals(3, o.faults().retryAfterSeconds());
        assertEquals(Duration.ofMillis(250), o.faults().slowDelay());
        assertEquals(0.02, o.faults().expiredToken());
        assertEquals(0.03, o.faults().stall());
        assertEquals(Duration.ofSeconds(9), o.faults().stallDelay());
    }

    @Test
    void rejectsUnknownOptionsAndBadValuesNamingThem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SimulatorMain.parse(Map.of("colour", "red")));
        assertTrue(unknown.getMessage().contains("colour"));
        IllegalArgumentException digits = assertThrows(IllegalArgumentException.class,
                () -> SimulatorMain.parse(Map.of("timestamps", "4")));
        assertTrue(digits.getMessage().contains("'4'"));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.parse(Map.of("fault-503", "1.5")));
    }

    @Test
    void optionsToStringHidesTheApiKey() {
        SimulatorOptions o = SimulatorOptions.builder().apiKey("super-secret").build();
        assertFalse(o.toString().contains("super-secret"));
    }
}
