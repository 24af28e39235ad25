package dev.nitelog.pipeline;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** The only scheduled bean: a short tick that starts due polls, plus checkpoint and purge timers. */
@ApplicationScoped
public class PollScheduler {
    private final Lifecycle lifecycle;

    public PollScheduler(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Polls are due at jittered instants; a 100 ms tick keeps them within 100 ms of due. */
    @Scheduled(every = "0.1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        lifecycle.daemon().ifPresent(NitelogDaemon::tick);
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
