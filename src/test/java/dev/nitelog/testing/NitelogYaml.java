package dev.nitelog.testing;

import dev.nitelog.simulator.ByteNiteSimulator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * nitelog's YAML for tests that point it at a {@link ByteNiteSimulator}: the simulator's URLs,
 * test-paced polling (300 ms polls, 1 s discovery, 2 drain polls) and a state directory flushed
 * every 200 ms. Any key can be set or overridden; sinks are given as YAML indented under
 * {@code sinks:} (four spaces before a sink's name).
 */
public final class NitelogYaml {
    private final Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    private String sinks = "";

    private NitelogYaml() {
    }

    /** The config every e2e test starts from. */
    public static NitelogYaml against(ByteNiteSimulator sim, Path stateDir) {
        return new NitelogYaml()
                .set("bytenite", "api-url", sim.apiUrl())
                .set("bytenite", "auth-url", sim.authUrl())
                .set("jobs", "poll-interval", "300ms")
                .set("jobs", "discovery-interval", "1s")
                .set("jobs", "drain-polls", "2")
                // the simulator writes no line after a job's end: drain by polls, not the lateness (2m)
                .set("jobs", "drain-period", "0s")
                .set("state", "dir", stateDir)
                .set("state", "flush-interval", "200ms");
    }

    /** Sets {@code nitelog.<section>.<key>}. */
    public NitelogYaml set(String section, String key, Object value) {
        sections.computeIfAbsent(section, s -> new LinkedHashMap<>()).put(key, String.valueOf(value));
        return this;
    }

    /** The sinks, as YAML indented four spaces (a sink's name) and six (its keys). */
    public NitelogYaml sinks(String indentedYaml) {
        this.sinks = indentedYaml;
        return this;
    }

    /** The YAML document. */
    public String build() {
        StringBuilder out = new StringBuilder("nitelog:\n");
        sections.forEach((section, keys) -> {
            out.append("  ").append(section).append(":\n");
            keys.forEach((k, v) -> out.append("    ").append(k).append(": ").append(v).append('\n'));
        });
        out.append("  sinks:\n").append(sinks);
        if (!sinks.endsWith("\n")) {
            out.append('\n');
        }
        return out.toString();
    }
}
