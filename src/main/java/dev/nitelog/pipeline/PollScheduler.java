package dev.nitelog.pipeline;

import dev.nitelog.config.NitelogConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything that runs on a clock, on two threads of its own: a 100 ms tick that starts polls that
 * came due (a poll that ends starts the next due ones itself, see {@link PollDispatcher}),
 * and the checkpoint timer ({@code nitelog.state.flush-interval}), which also purges expired
 * tombstones. Quarkus' scheduler is not used because it does not go below one second, and both
 * clocks need finer steps. A slow fsync never delays a tick.
 */
@ApplicationScoped
public class PollScheduler {
    private static final Logger LOG = Logger.getLogger(PollScheduler.class);
    private static final long TICK_MILLIS = 100;

    private final Lifecycle lifecycle;
    private final Duration flushInterval;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(named("nitelog-tick"));
    private final ScheduledExecutorService checkpointer = Executors.newSingleThreadScheduledExecutor(named("nitelog-checkpoint"));

    public PollScheduler(Lifecycle lifecycle, NitelogConfig config) {
        this.lifecycle = lifecycle;
        this.flushInterval = config.state().flushInterval();
    }

    /** Starts the clocks once the daemon is up (the lifecycle observes startup first). */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) StartupEvent event) {
        ticker.scheduleWithFixedDelay(() -> guarded("tick", NitelogDaemon::tick), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        long flush = Math.max(10, flushInterval.toMillis());
        checkpointer.scheduleWithFixedDelay(() -> guarded("checkpoint", daemon -> {
            daemon.checkpoint();
            daemon.purgeTombstones();
        }), flush, flush, TimeUnit.MILLISECONDS);
    }

    /** Stops the clocks before the lifecycle stops the daemon (which saves the final checkpoint). */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        ticker.shutdownNow();
        checkpointer.shutdown();
        try {
            checkpointer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void guarded(String what, java.util.function.Consumer<NitelogDaemon> action) {
        try {
            lifecycle.daemon().ifPresent(action);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Scheduled %s failed; the next one tries again", what); // never let a clock die
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
