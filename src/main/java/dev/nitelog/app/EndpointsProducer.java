package dev.nitelog.app;

import dev.nitelog.bytenite.ByteNiteEndpoints;
import dev.nitelog.bytenite.ByteNiteEndpoints.ApiKey;
import dev.nitelog.config.ByteNiteConfig;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides where nitelog connects: the configured ByteNite API when an API key is configured, or,
 * with none, the embedded simulator (the demo).
 */
@ApplicationScoped
public class EndpointsProducer {
    private static final Logger LOG = Logger.getLogger(EndpointsProducer.class);

    private final NitelogConfig config;
    private ByteNiteSimulator simulator;

    public EndpointsProducer(NitelogConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    ByteNiteEndpoints endpoints() {
        ByteNiteConfig bytenite = config.bytenite();
        Optional<ApiKey> key = ApiKey.configured(bytenite);
        if (key.isPresent()) {
            return new ByteNiteEndpoints(URI.create(bytenite.apiUrl()), URI.create(bytenite.authUrl()), key.get());
        }
        LOG.info("DEMO: no ByteNite API key is configured, so nitelog runs against its embedded ByteNite simulator"
                + " (set NITELOG_BYTENITE_API_KEY or nitelog.bytenite.api-key-file to follow real jobs)");
        // a few jobs at a time, and a new one now and then so the demo never goes quiet
        simulator = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(3).newJobEvery(Duration.ofSeconds(20)).build());
        return new ByteNiteEndpoints(simulator.apiUrl(), simulator.authUrl(), new ApiKey(simulator.apiKey()));
    }

    void close(@Disposes ByteNiteEndpoints endpoints) {
        if (simulator != null) {
            simulator.close();
        }
    }
}
