package dev.nitelog.pipeline;

import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.JobNotFoundException;
import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.jobs.JobLifecycle;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discovery pages only as far as it needs: a whole listing once, then, newest first, until every
 * job still followed was listed and a job the last round saw ended is reached; and between rounds
 * it notices a new job, or one that turns from NEW to running, from the newest page alone.
 */
class JobDiscoveryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final int PAGE = 10;

    /** The account's jobs, newest first, as a sorting API pages them (and stops when asked). */
    private final List<JobStatus> account = new ArrayList<>();
    private final Map<String, JobStatus> byId = new ConcurrentHashMap<>();
    private int pages;
    private int gets;

    private final ByteNiteApi api = new ByteNiteApi() {
        @Override
        public List<JobStatus> listJobs() {
            return listJobs(listed -> false);
        }

        @Override
        public List<JobStatus> listJobs(ListingStop stop) {
            List<JobStatus> listed = new ArrayList<>();
            for (int from = 0; from < account.size(); from += PAGE) {
                pages++;
                listed.addAll(account.subList(from, Math.min(account.size(), from + PAGE)));
                if (from + PAGE < account.size() && stop.enough(listed)) {
                    break;
                }
            }
            return listed;
        }

        @Override
        public List<JobStatus> listNewestJobs() {
            return listJobs(listed -> true);
        }

        @Override
        public JobStatus getJob(String jobId) throws JobNotFoundException {
            gets++;
            JobStatus status = byId.get(jobId);
            if (status == null) {
                throw new JobNotFoundException(jobId, 5, "not found");
            }
            return status;
        }

        @Override
        public LogFetch fetchLogs(JobRef job, LineFilter filter) {
            throw new AssertionError("discovery fetches no logs");
        }
    };

    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), 1, id -> false, new Random(1));
    private final JobDiscovery discovery = new JobDiscovery(api, tracker, true, List.of(), Duration.ZERO,
            id -> false, id -> false, Clock.fixed(T0, ZoneOffset.UTC));

    /** Adds a job as the newest of the account. */
    private void add(String id, String state, JobPhase phase) {
        JobStatus status = new JobStatus(new JobRef(id, id), state, phase,
                phase == JobPhase.TERMINAL ? T0 : null, T0.plusSeconds(account.size()));
        account.add(0, status);
        byId.put(id, status);
    }

    private void set(String id, String state, JobPhase phase) {
        JobStatus old = byId.get(id);
        JobStatus status = new JobStatus(old.job(), state, phase, phase == JobPhase.TERMINAL ? T0 : null, old.createdAt());
        account.set(account.indexOf(old), status);
        byId.put(id, status);
    }

    @Test
    void pagesTheWholeHistoryOnceThenOnlyUpToWhatItKnows() {
        for (int i = 0; i < 300; i++) {
            add("old-" + i, "JOB_STATE_COMPLETE", JobPhase.TERMINAL);
        }
        discovery.discover();
        assertEquals(30, pages, "the first round lists everything");

        pages = 0;
        add("new-1", "JOB_STATE_RUNNING", JobPhase.ACTIVE);
        discovery.discover();
        assertEquals(1, pages, "one page shows the new job and the newest ended one");
        assertEquals(JobLifecycle.ACTIVE, tracker.lifecycle("new-1"));

        pages = 0;
        for (int i = 0; i < 25; i++) {
            add("burst-" + i, "JOB_STATE_COMPLETE", JobPhase.TERMINAL);
        }
        discovery.discover();
        assertEquals(3, pages, "down to the running job and a job ended before");
        set("new-1", "JOB_STATE_COMPLETE", JobPhase.TERMINAL);
        pages = 0;
        discovery.discover();
        assertEquals(JobLifecycle.DRAINING, tracker.lifecycle("new-1"), "its end is seen");
        assertTrue(pages <= 3, pages + " pages");
    }

    @Test
    void aFollowedJobFarDownTheListIsStillListedEachRound() {
        add("long-runner", "JOB_STATE_RUNNING", JobPhase.ACTIVE);
        for (int i = 0; i < 100; i++) {
            add("later-" + i, "JOB_STATE_COMPLETE", JobPhase.TERMINAL);
        }
        discovery.discover();
        pages = 0;
        set("long-runner", "JOB_STATE_COMPLETE", JobPhase.TERMINAL);
        discovery.discover();
        assertEquals(11, pages, "paged down to the job still followed");
        assertEquals(JobLifecycle.DRAINING, tracker.lifecycle("long-runner"));
    }

    @Test
    void betweenRoundsTheNewestPageShowsANewJobAndANewJobStartingWithinAPollInterval() {
        for (int i = 0; i < 50; i++) {
            add("old-" + i, "JOB_STATE_COMPLETE", JobPhase.TERMINAL);
        }
        discovery.discover();
        pages = 0;
        add("fresh", "JOB_STATE_NEW", JobPhase.PENDING);
        discovery.discoverNewest();
        assertEquals(1, pages);
        assertEquals(JobLifecycle.PENDING, tracker.lifecycle("fresh"));

        for (int i = 0; i < 12; i++) { // the NEW job drops off the newest page
            add("other-" + i, "JOB_STATE_COMPLETE", JobPhase.TERMINAL);
        }
        set("fresh", "JOB_STATE_RUNNING", JobPhase.ACTIVE);
        gets = 0;
        discovery.discoverNewest();
        assertEquals(JobLifecycle.ACTIVE, tracker.lifecycle("fresh"), "asked on its own: it runs now");
        assertEquals(1, gets);
    }
}
