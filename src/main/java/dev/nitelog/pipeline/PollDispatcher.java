package dev.nitelog.pipeline;

import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts due polls on a pool of at most {@code cap} threads: on every scheduler tick, and again
 * each time a poll ends, so a free slot is used at once. Started only on the 100 ms tick, polls
 * were capped at {@code cap} per tick (80 a second at the default 8) however short they were:
 * 1,000 jobs at 5 s ask for 200 a second.
 */
final class PollDispatcher {
    private final JobTracker tracker;
    private final Consumer<JobRef> poll;
    private final Clock clock;
    private final Semaphore slots;
    private final ExecutorService pool;
    private volatile boolean stopped;

    PollDispatcher(JobTracker tracker, int cap, Consumer<JobRef> poll, Clock clock, ThreadFactory threads) {
        this.tracker = tracker;
        this.poll = poll;
        this.clock = clock;
        this.slots = new Semaphore(cap);
        this.pool = Executors.newFixedThreadPool(cap, threads);
    }

    /** Starts as many due polls as there are free slots, the longest overdue first. */
    void startDue() {
        if (stopped) {
            return;
        }
        int free = slots.drainPermits(); // taken before the jobs, so concurrent callers never exceed the cap
        if (free == 0) {
            return;
        }
        List<JobRef> due;
        try {
            due = tracker.takeDue(clock.instant(), free);
        } catch (RuntimeException | Error e) {
            slots.release(free);
            throw e;
        }
        slots.release(free - due.size());
        for (JobRef job : due) {
            try {
                pool.execute(() -> run(job));
            } catch (RejectedExecutionException stopping) {
                slots.release(); // the pool was shut down meanwhile; the job's log is replayed after a restart
            }
        }
    }

    private void run(JobRef job) {
        try {
            poll.accept(job);
        } finally {
            slots.release();
            startDue();
        }
    }

    /**
     * Starts no more polls and interrupts those running (they wait for a request slot or a
     * server-requested pause; an interrupted poll is repeated after a restart).
     */
    void stop() {
        stopped = true;
        pool.shutdownNow();
    }

    /** Waits until the polls running at {@link #stop} have ended or the deadline passed. */
    void awaitStopped(long deadlineNanos) throws InterruptedException {
        pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
