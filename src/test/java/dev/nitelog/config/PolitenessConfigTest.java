package dev.nitelog.config;

import dev.nitelog.testing.TestConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rate limit, the adaptive poll interval and the response size limit: defaults and range checks. */
class PolitenessConfigTest {
    private static final ConfigValidator VALIDATOR = new ConfigValidator(dev.nitelog.testing.TestConfig.sinkTypes("stdout"));

    private static SmallRyeConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of("nitelog.sinks.console.type", "stdout"));
        props.putAll(overrides);
        return TestConfig.build(props);
    }

    private static String problem(Map<String, String> props) {
        SmallRyeConfig config = config(props);
        return assertThrows(InvalidConfigException.class,
                () -> VALIDATOR.validate(config.getConfigMapping(NitelogConfig.class), config)).getMessage();
    }

    @Test
    void hasPoliteDefaults() {
        NitelogConfig config = config(Map.of()).getConfigMapping(NitelogConfig.class);
        assertEquals(20, config.bytenite().maxRequestsPerSecond());
        assertEquals(16L << 30, config.bytenite().maxResponseBytes().asLongValue());
        assertEquals(Duration.ofSeconds(30), config.jobs().effectivePollIntervalMax(), "6 x the 5s base");
        assertEquals(Duration.ofMinutes(12), config(Map.of("nitelog.jobs.poll-interval", "2m"))
                .getConfigMapping(NitelogConfig.class).jobs().effectivePollIntervalMax(), "follows a longer base");
    }

    @Test
    void acceptsSaneValues() {
        SmallRyeConfig config = config(Map.of("nitelog.bytenite.max-requests-per-second", "5",
                "nitelog.bytenite.max-response-bytes", "1G", "nitelog.jobs.poll-interval-max", "5s"));
        assertDoesNotThrow(() -> VALIDATOR.validate(config.getConfigMapping(NitelogConfig.class), config));
    }

    @Test
    void rejectsARateOutOfRange() {
        assertEquals("nitelog.bytenite.max-requests-per-second=0 is out of range: use a value from 1 to 10000",
                problem(Map.of("nitelog.bytenite.max-requests-per-second", "0")));
    }

    @Test
    void rejectsAResponseLimitOutOfRange() {
        assertEquals("nitelog.bytenite.max-response-bytes=1K is too small: use at least 64K",
                problem(Map.of("nitelog.bytenite.max-response-bytes", "1K")));
        assertEquals("nitelog.bytenite.max-response-bytes=32T is too large: use at most 16G", problem(Map.of("nitelog.bytenite.max-response-bytes", "32T")));
    }

    @Test
    void rejectsALineBoundOutOfRange() {
        assertEquals("nitelog.bytenite.max-line-bytes=100 is too small: use at least 1K",
                problem(Map.of("nitelog.bytenite.max-line-bytes", "100")));
        assertEquals("nitelog.bytenite.max-line-bytes=1G is too large: use at most 256M",
                problem(Map.of("nitelog.bytenite.max-line-bytes", "1G")));
    }

    @Test
    void rejectsAMaximumIntervalBelowTheBase() {
        assertEquals("nitelog.jobs.poll-interval-max=2s is shorter than nitelog.jobs.poll-interval=5s:"
                + " use a poll-interval-max of at least 5s", problem(Map.of("nitelog.jobs.poll-interval-max", "2s")));
    }
}
