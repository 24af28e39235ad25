package dev.nitelog.pipeline;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything that runs on a clock: a 100 ms tick that starts due polls (on its own thread,
 * because Quarkus' scheduler does not go below one second and polls are due at jittered
 * instants), plus the checkpoint and tombstone-purge timers.
 */
@ApplicationScoped
public class PollScheduler {
    private static final Logger LOG = Logger.getLogger(PollScheduler.class);
    private static final long TICK_MILLIS = 100;

    private final Lifecycle lifecycle;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "nitelog-tick");
        thread.setDaemon(true);
        return thread;
    });

    public PollScheduler(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Starts ticking once the daemon is up (the lifecycle observes startup first). */
    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100) StartupEvent event) {
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops ticking before the lifecycle stops the daemon. */
    void stop(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        ticker.shutdownNow();
    }

    private void tick() {
        try {
            lifecycle.daemon().ifPresent(NitelogDaemon::tick);
        } catch (RuntimeException e) {
            LOG.error("Scheduler tick failed; the next tick tries again", e); // never let the ticker die
        }
    }

    @Scheduled(every = "${nitelog.state.flush-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkpoint() {
        lifecycle.daemon().ifPresent(NitelogDaemon::checkpoint);
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeTombstones() {
        lifecycle.daemon().ifPresent(NitelogDaemon::purgeTombstones);
    }
}
