package dev.nitelog.pipeline;

import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.jobs.PollOutcome;
import dev.nitelog.record.JobRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting polls: a free slot is used as soon as a poll ends, never more polls than the cap. */
class PollDispatcherTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Clock clock = Clock.fixed(T0.plus(INTERVAL), ZoneOffset.UTC); // every job's first poll is due
    private final JobTracker tracker = new JobTracker(INTERVAL, 1, id -> false, new Random(7));
    private PollDispatcher dispatcher;

    @AfterEach
    void stop() {
        dispatcher.stop();
    }

    private void follow(int jobs) {
        for (int i = 0; i < jobs; i++) {
            tracker.observe(new JobStatus(new JobRef("j" + i, "job " + i), "JOB_STATE_RUNNING", JobPhase.ACTIVE, null),
                    T0);
        }
    }

    @Test
    void aPollThatEndsStartsTheNextDueJobWithoutWaitingForATick() throws Exception {
        follow(30);
        Set<String> polled = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(30);
        dispatcher = new PollDispatcher(tracker, 2, job -> {
            polled.add(job.id());
            tracker.pollFinished(job.id(), true, PollOutcome.UNCOUNTED, clock.instant());
            all.countDown();
        }, clock, Thread::new);
        dispatcher.startDue(); // one tick: two slots, thirty due jobs
        assertTrue(all.await(30, TimeUnit.SECONDS), "polled after one tick: " + polled.size() + " of 30");
        assertEquals(30, polled.size());
    }

    @Test
    void neverRunsMorePollsAtOnceThanTheCapHoweverOftenItIsAsked() throws Exception {
        follow(40);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(40);
        dispatcher = new PollDispatcher(tracker, 3, job -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.yield();
            running.decrementAndGet();
            tracker.pollFinished(job.id(), true, PollOutcome.UNCOUNTED, clock.instant());
            all.countDown();
        }, clock, Thread::new);
        Thread[] tickers = new Thread[4];
        for (int i = 0; i < tickers.length; i++) {
            tickers[i] = new Thread(() -> {
                for (int n = 0; n < 200; n++) {
                    dispatcher.startDue();
                }
            });
            tickers[i].start();
        }
        for (Thread t : tickers) {
            t.join();
        }
        assertTrue(all.await(30, TimeUnit.SECONDS));
        assertTrue(most.get() <= 3, "polls at once: " + most.get());
    }
}
