package dev.nitelog.pipeline;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts the ByteNite simulator for a @QuarkusTest and points nitelog (with a file sink) at it. */
public class SimulatorResource implements QuarkusTestResourceLifecycleManager {
    static volatile ByteNiteSimulator simulator;
    static volatile Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("nitelog-ops");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        simulator = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(2).tasksPerJob(2).linesPerJob(100_000)
                .linesPerSecond(20).build());
        Map<String, String> config = new HashMap<>();
        config.put("nitelog.bytenite.api-url", simulator.apiUrl().toString());
        config.put("nitelog.bytenite.auth-url", simulator.authUrl().toString());
        config.put("nitelog.bytenite.api-key", simulator.apiKey());
        config.put("nitelog.bytenite.max-retries", "0");
        config.put("nitelog.bytenite.circuit-breaker-window", "1000");
        config.put("nitelog.jobs.poll-interval", "200ms");
        config.put("nitelog.jobs.discovery-interval", "1s");
        config.put("nitelog.state.dir", dir.resolve("state").toString());
        config.put("nitelog.state.flush-interval", "100ms");
        config.put("nitelog.sinks.archive.type", "file");
        config.put("nitelog.sinks.archive.path", dir.resolve("out") + "/{job}.log");
        config.put("nitelog.sinks.archive.retry-backoff", "100ms");
        config.put("nitelog.sinks.archive.retry-max-backoff", "300ms");
        return config;
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
