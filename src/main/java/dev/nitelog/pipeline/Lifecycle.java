package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteEndpoints;
import dev.nitelog.config.ConfigValidator;
import dev.nitelog.cursor.CheckpointStoreException;
import dev.nitelog.config.InvalidConfigException;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.record.LogText;
import dev.nitelog.sink.SinkRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Optional;

/** Starts the daemon once Quarkus is up and stops it gracefully on SIGTERM. */
@ApplicationScoped
public class Lifecycle {
    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final NitelogConfig config;
    private final ByteNiteApi api;
    private final SinkRegistry registry;
    private final MeterRegistry meters;
    private final Provider<ByteNiteEndpoints> endpoints;
    /**
     * Whether this process runs the daemon: the entry point says so before Quarkus starts, so the
     * startup observer (which runs before the command) can tell the daemon from a one-shot command.
     * Without an entry point (in {@code @QuarkusTest}) it is the daemon.
     */
    private static volatile boolean daemonStarts = true;
    private volatile NitelogDaemon daemon;
    private volatile boolean ready;
    private volatile String startupError;

    public Lifecycle(NitelogConfig config, ByteNiteApi api, SinkRegistry registry, MeterRegistry meters,
                     Provider<ByteNiteEndpoints> endpoints) {
        this.config = config;
        this.api = api;
        this.registry = registry;
        this.meters = meters;
        this.endpoints = endpoints;
    }

    /** Set by the entry point before Quarkus starts: false for a one-shot command. */
    public static void daemonStarts(boolean starts) {
        daemonStarts = starts;
    }

    void onStart(@Observes StartupEvent event) {
        if (!daemonStarts) {
            return; // validate, logs: the command runs its own checks and must not poll
        }
        try {
            new ConfigValidator(registry.optionTypes()).validate(config, ConfigProvider.getConfig());
            start();
        } catch (InvalidConfigException | IllegalArgumentException | CheckpointStoreException e) {
            // a sink factory or the state store rejecting a setting names the key the same way
            startupError = e.getMessage(); // NitelogMain prints it as one line and exits 2
        }
    }

    private void start() {
        LOG.infof("nitelog polls %s every %s for %s; sinks: %s; state in %s", endpoints.get().apiUrl(),
                ConfigValidator.human(config.jobs().pollInterval()), describeJobs(), SinkRegistry.describe(config), config.state().dir());
        daemon = new NitelogDaemon(config, api, registry, meters, Clock.systemUTC());
        ready = true;
    }

    private String describeJobs() {
        String ids = config.jobs().ids().map(list -> "jobs " + LogText.escape(String.join(", ", list))).orElse("");
        if (config.jobs().discover()) {
            return ids.isEmpty() ? "all active jobs" : "all active jobs and " + ids;
        }
        return ids;
    }

    void onStop(@Observes ShutdownEvent event) {
        ready = false;
        NitelogDaemon running = daemon;
        if (running != null) {
            LOG.info("Shutting down: finishing in-flight batches and saving cursors");
            running.stop();
            LOG.info("nitelog stopped");
        }
    }

    /** The running daemon, empty before startup completed. */
    public Optional<NitelogDaemon> daemon() {
        return Optional.ofNullable(daemon);
    }

    /** The configuration error that stopped startup, if any. */
    public Optional<String> startupError() {
        return Optional.ofNullable(startupError);
    }

    /** True from startup until shutdown begins. */
    public boolean ready() {
        return ready;
    }
}
