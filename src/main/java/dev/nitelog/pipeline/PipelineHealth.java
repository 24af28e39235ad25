package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteClient;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.health.ComponentStatus;
import dev.nitelog.health.HealthSource;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.SinkWorker;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Answers the probes from the running daemon. */
@ApplicationScoped
public class PipelineHealth implements HealthSource {
    private final Lifecycle lifecycle;
    private final ByteNiteClient client;
    private final Duration stalledAfter;

    public PipelineHealth(Lifecycle lifecycle, ByteNiteClient client, NitelogConfig config) {
        this.lifecycle = lifecycle;
        this.client = client;
        // the tick runs every 100 ms; a scheduler silent for several poll intervals is stuck
        Duration threeIntervals = config.jobs().pollInterval().multipliedBy(3);
        this.stalledAfter = threeIntervals.compareTo(Duration.ofSeconds(10)) > 0 ? threeIntervals : Duration.ofSeconds(10);
    }

    @Override
    public ComponentStatus scheduler() {
        return lifecycle.daemon().map(daemon -> {
            Duration since = Duration.between(daemon.lastTick(), Instant.now());
            boolean up = since.compareTo(stalledAfter) <= 0;
            return new ComponentStatus("scheduler", up, "last tick " + since.toMillis() + " ms ago");
        }).orElse(new ComponentStatus("scheduler", lifecycle.startupError().isEmpty(), "starting"));
    }

    @Override
    public List<ComponentStatus> readiness() {
        List<ComponentStatus> parts = new ArrayList<>();
        parts.add(new ComponentStatus("nitelog", lifecycle.ready(), lifecycle.ready() ? "" : "starting or shutting down"));
        boolean open = client.circuitOpen();
        parts.add(new ComponentStatus("bytenite", !open, open ? "circuit open after repeated failures" : ""));
        lifecycle.daemon().ifPresent(daemon -> daemon.workers().forEach(worker -> parts.add(sink(worker))));
        return parts;
    }

    /**
     * A state word and a count, never the sink's or the destination's own error text: that may
     * carry document content, index names or URLs, and the probe is often more widely readable
     * than the log, where the error is written once per state change.
     */
    static ComponentStatus sink(SinkWorker worker) {
        String name = "sink:" + worker.name();
        int failures = worker.consecutiveFailures();
        if (failures > 0) {
            return new ComponentStatus(name, false, "failing (" + failures + (failures == 1 ? " failed attempt" : " failed attempts in a row") + ")");
        }
        SinkHealth health = worker.sink().check();
        return new ComponentStatus(name, health.up(), health.up() ? "ok" : "down (its health check fails)");
    }
}
