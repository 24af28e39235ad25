package dev.nitelog.jobs;

import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.record.JobRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static dev.nitelog.jobs.PollOutcome.counted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobTrackerTest {
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static JobStatus status(String id, JobPhase phase) {
        return new JobStatus(new JobRef(id, "job " + id), "JOB_STATE_X", phase, null);
    }

    private final JobTracker tracker = new JobTracker(INTERVAL, 2, id -> id.startsWith("retired"), new Random(42));

    @Test
    void spreadsFirstPollsOverOneIntervalAndJittersLaterOnesByTwentyPercent() {
        for (int i = 0; i < 200; i++) {
            tracker.observe(status("j" + i, JobPhase.ACTIVE), T0);
        }
        assertEquals(200, tracker.takeDue(T0.plus(INTERVAL), 1000).size());
        Instant end = T0.plus(INTERVAL);
        for (int i = 0; i < 200; i++) {
            tracker.pollFinished("j" + i, true, PollOutcome.UNCOUNTED, end);
        }
        assertTrue(tracker.takeDue(end.plus(INTERVAL.multipliedBy(8).dividedBy(10)).minusMillis(1), 1000).isEmpty());
        assertEquals(200, tracker.takeDue(end.plus(INTERVAL.multipliedBy(12).dividedBy(10)), 1000).size());
    }

    @Test
    void handsOutTheLongestOverdueJobsFirstSoNoneStarvesWhenSlotsAreShort() {
        for (int i = 0; i < 50; i++) {
            tracker.observe(status("j" + i, JobPhase.ACTIVE), T0);
        }
        // two slots per call and every job due again by the next call: fair turns reach all 50
        java.util.Set<String> polled = new java.util.HashSet<>();
        Instant now = T0.plus(INTERVAL);
        for (int call = 0; call < 25; call++) {
            List<JobRef> due = tracker.takeDue(now, 2);
            assertEquals(2, due.size());
            for (JobRef job : due) {
                assertTrue(polled.add(job.id()), job.id() + " polled again before every job had a turn");
            }
            for (JobRef job : due) {
                tracker.pollFinished(job.id(), true, PollOutcome.UNCOUNTED, now);
            }
            now = now.plus(INTERVAL.multipliedBy(2)); // past the next poll (interval + 20 % at most) of those just polled
        }
        assertEquals(50, polled.size());
    }

    @Test
    void neverHandsOutAJobWhosePollIsInFlight() {
        tracker.observe(status("a", JobPhase.ACTIVE), T0);
        Instant later = T0.plus(INTERVAL);
        assertEquals(1, tracker.takeDue(later, 10).size());
        assertTrue(tracker.takeDue(later.plus(Duration.ofHours(1)), 10).isEmpty());
    }

    @Test
    void pendingJobsAreNotPolledUntilTheyStart() {
        tracker.observe(status("p", JobPhase.PENDING), T0);
        assertTrue(tracker.takeDue(T0.plus(INTERVAL), 10).isEmpty());
        tracker.observe(status("p", JobPhase.ACTIVE), T0);
        assertEquals(1, tracker.takeDue(T0.plus(INTERVAL), 10).size());
    }

    @Test
    void aTerminalJobIsDrainedForTheConfiguredPollsThenDone() {
        tracker.observe(status("a", JobPhase.ACTIVE), T0);
        tracker.observe(status("a", JobPhase.TERMINAL), T0);
        Instant now = T0.plus(INTERVAL);
        tracker.takeDue(now, 10);
        assertFalse(tracker.pollFinished("a", true, PollOutcome.UNCOUNTED, now));
        now = now.plus(INTERVAL.multipliedBy(2));
        tracker.takeDue(now, 10);
        assertFalse(tracker.pollFinished("a", false, PollOutcome.UNCOUNTED, now), "a failed or unsettled poll does not count");
        now = now.plus(INTERVAL.multipliedBy(2));
        tracker.takeDue(now, 10);
        assertTrue(tracker.pollFinished("a", true, PollOutcome.UNCOUNTED, now));
        assertEquals(JobLifecycle.DONE, tracker.lifecycle("a"));
        assertTrue(tracker.takeDue(now.plus(Duration.ofHours(1)), 10).isEmpty());
    }

    /** Polls alone once retired a job 2 polls after its end whatever the interval: late lines then had 2 s. */
    @Test
    void aTerminalJobIsDrainedForTheDrainPeriodHoweverShortTheInterval() {
        Duration period = Duration.ofMinutes(2);
        JobTracker draining = new JobTracker(Duration.ofSeconds(1), Duration.ofSeconds(1), new Drain(2, period),
                id -> false, new Random(3));
        draining.observe(status("a", JobPhase.TERMINAL), T0);
        Instant now = T0;
        int polls = 0;
        while (true) {
            now = now.plus(Duration.ofSeconds(2));
            draining.takeDue(now, 10);
            polls++;
            if (draining.pollFinished("a", true, PollOutcome.UNCOUNTED, now)) {
                break;
            }
            assertTrue(polls < 1000, "never done");
        }
        assertFalse(now.isBefore(T0.plus(period)), "done at " + now + ", before the drain period ended");
        assertTrue(now.isBefore(T0.plus(period).plus(Duration.ofSeconds(3))), "done at " + now + ", long after it");
        assertEquals(JobLifecycle.DONE, draining.lifecycle("a"));
    }

    @Test
    void aDoneJobRunningAgainIsFollowedOnceItsTombstoneIsRevived() {
        java.util.Set<String> retired = new java.util.HashSet<>();
        JobTracker tracking = new JobTracker(INTERVAL, 1, retired::contains, new Random(5));
        tracking.observe(status("a", JobPhase.TERMINAL), T0);
        Instant now = T0.plus(INTERVAL.multipliedBy(2));
        tracking.takeDue(now, 10);
        assertTrue(tracking.pollFinished("a", true, PollOutcome.UNCOUNTED, now));
        retired.add("a");

        tracking.observe(status("a", JobPhase.ACTIVE), now);
        assertEquals(JobLifecycle.DONE, tracking.lifecycle("a"), "still retired: not followed");
        retired.remove("a"); // what JobDiscovery does through Cursors.revive
        tracking.observe(status("a", JobPhase.ACTIVE), now);
        assertEquals(JobLifecycle.ACTIVE, tracking.lifecycle("a"));
        assertEquals(List.of(new JobRef("a", "job a")), tracking.takeDue(now.plus(INTERVAL), 10));
    }

    @Test
    void retiredJobsAreNotFollowedAgainAndForgottenOnesDisappear() {
        tracker.observe(status("retired-1", JobPhase.ACTIVE), T0);
        assertNull(tracker.lifecycle("retired-1"));
        tracker.observe(status("b", JobPhase.ACTIVE), T0);
        tracker.observe(status("c", JobPhase.ACTIVE), T0);
        assertTrue(tracker.jobGone("b"));
        assertTrue(tracker.jobGone("c"));
        tracker.forgetDoneUnless(id -> id.equals("c"));
        assertNull(tracker.lifecycle("b"));
        assertEquals(JobLifecycle.DONE, tracker.lifecycle("c"));
    }

    @Test
    void retryAfterPostponesTheNextPoll() {
        tracker.observe(status("a", JobPhase.ACTIVE), T0);
        Instant now = T0.plus(INTERVAL);
        tracker.takeDue(now, 10);
        tracker.pollFinished("a", false, PollOutcome.UNCOUNTED, now.plus(Duration.ofMinutes(1)), now);
        assertTrue(tracker.takeDue(now.plus(Duration.ofSeconds(59)), 10).isEmpty());
        assertEquals(List.of(new JobRef("a", "job a")), tracker.takeDue(now.plus(Duration.ofMinutes(1)), 10));
    }

    @Test
    void anIdleJobBacksOffToTheMaximumAndNewLinesBringItBackToTheBase() {
        JobTracker adaptive = new JobTracker(INTERVAL, Duration.ofSeconds(40), Drain.polls(2), id -> false, new Random(7));
        adaptive.observe(status("a", JobPhase.ACTIVE), T0);
        Instant[] now = {T0.plus(INTERVAL)};
        PollOutcome[] entries = {counted(10), counted(10), counted(10), counted(10), counted(10), PollOutcome.UNCOUNTED,
                counted(10), counted(11), counted(11)};
        long[] expectedSeconds = {5, 10, 20, 40, 40, 40, 40, 5, 10};
        for (int i = 0; i < entries.length; i++) {
            assertEquals(1, adaptive.takeDue(now[0], 10).size(), "poll " + i + " is due");
            adaptive.pollFinished("a", true, entries[i], now[0]);
            Duration interval = Duration.ofSeconds(expectedSeconds[i]);
            assertEquals(interval, adaptive.interval("a"), "after poll " + i + ", " + entries[i]);
            // jitter still applies: due between 80% and 120% of the current interval
            assertTrue(adaptive.takeDue(now[0].plus(interval.multipliedBy(8).dividedBy(10)).minusMillis(1), 10).isEmpty());
            now[0] = now[0].plus(interval.multipliedBy(12).dividedBy(10));
        }
    }

    @Test
    void aBacklogBringsAStretchedJobBackToTheBaseInterval() {
        JobTracker adaptive = new JobTracker(INTERVAL, Duration.ofSeconds(40), Drain.polls(2), id -> false, new Random(7));
        adaptive.observe(status("a", JobPhase.ACTIVE), T0);
        Instant[] now = {T0.plus(INTERVAL)};
        PollOutcome[] entries = {counted(10), counted(10), counted(10), counted(10), PollOutcome.BACKLOG,
                PollOutcome.BACKLOG, counted(20), counted(20)};
        long[] expectedSeconds = {5, 10, 20, 40, 5, 5, 5, 10};
        for (int i = 0; i < entries.length; i++) {
            assertEquals(1, adaptive.takeDue(now[0], 10).size(), "poll " + i + " is due");
            adaptive.pollFinished("a", true, entries[i], now[0]);
            Duration interval = Duration.ofSeconds(expectedSeconds[i]);
            assertEquals(interval, adaptive.interval("a"), "after poll " + i + ", " + entries[i]);
            now[0] = now[0].plus(interval.multipliedBy(12).dividedBy(10));
        }
    }

    @Test
    void theMaximumCannotBeBelowTheBase() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new JobTracker(INTERVAL, Duration.ofSeconds(1), Drain.polls(2), id -> false, new Random(1)));
        assertTrue(e.getMessage().startsWith("nitelog.jobs.poll-interval-max="), e.getMessage());
    }
}
