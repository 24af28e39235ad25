package dev.nitelog.bytenite;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.TokenPrefix;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigMappingSmokeTest {
    @Test
    void buildsTheMappingWithDefaultsAndOverrides() {
        NitelogConfig config = TestConfigs.config(Map.of("nitelog.bytenite.token-prefix", "bearer"));
        assertEquals(TokenPrefix.BEARER, config.bytenite().tokenPrefix());
        assertEquals(Duration.ofSeconds(60), config.bytenite().tokenRenewBefore());
        assertEquals(20, config.bytenite().circuitBreakerWindow());
        assertEquals(100, config.jobs().discoveryPageSize());
    }
}
