package dev.nitelog.jobs;

import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogText;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Decides which jobs to poll when. Fed job statuses (from discovery or configured ids) and poll
 * outcomes; hands out due jobs, at most one poll in flight per job, each next poll jittered by
 * +-20% of the interval so thousands of jobs spread out instead of polling in lock-step.
 *
 * <p>The interval adapts per job: each poll whose response holds no line more than the previous
 * one doubles it, up to {@code maxPollInterval}, and a poll that finds new lines returns it to the
 * base {@code pollInterval}. An idle job thus costs few requests, and a job that wakes up is
 * polled at the base interval again after at most one long wait. A failed poll keeps the interval;
 * a poll that left a backlog for later ({@link PollOutcome.Kind#BACKLOG}) returns it to the base, since more lines
 * are known to be waiting.
 *
 * <p>A job that turns terminal is drained ({@link Drain}): polled a few more times and for a while,
 * then reported done. Thread safe: every method synchronises on the tracker, and none does I/O.
 */
public final class JobTracker {
    private static final Logger LOG = Logger.getLogger(JobTracker.class);
    private static final double JITTER = 0.2;

    private final Duration pollInterval;
    private final Duration maxPollInterval;
    private final Drain drain;
    private final Predicate<String> isRetired;
    private final RandomGenerator random;
    private final Map<String, TrackedJob> jobs = new HashMap<>();

    /**
     * @param isRetired true for jobs whose tombstone says they were fully shipped already
     */
    public JobTracker(Duration pollInterval, int drainPolls, Predicate<String> isRetired, RandomGenerator random) {
        this(pollInterval, pollInterval, Drain.polls(drainPolls), isRetired, random);
    }

    /**
     * @param pollInterval    the base interval, while a job writes new lines
     * @param maxPollInterval the longest interval of a job that writes nothing (at least the base)
     * @param isRetired       true for jobs whose tombstone says they were fully shipped already
     */
    public JobTracker(Duration pollInterval, Duration maxPollInterval, Drain drain, Predicate<String> isRetired,
                      RandomGenerator random) {
        if (maxPollInterval.compareTo(pollInterval) < 0) {
            throw new IllegalArgumentException("nitelog.jobs.poll-interval-max=" + maxPollInterval
                    + " is shorter than nitelog.jobs.poll-interval=" + pollInterval + ": use at least the base");
        }
        this.pollInterval = pollInterval;
        this.maxPollInterval = maxPollInterval;
        this.drain = drain;
        this.isRetired = isRetired;
        this.random = random;
    }

    /**
     * Takes in one job's status. A new active job gets its first poll at a random point within one
     * interval; a terminal one starts draining. Jobs already retired are ignored.
     */
    public synchronized void observe(JobStatus status, Instant now) {
        String id = status.job().id();
        TrackedJob job = jobs.get(id);
        if (job == null) {
            if (isRetired.test(id)) {
                return;
            }
            job = new TrackedJob(status.job(), JobLifecycle.PENDING, now.plus(randomFraction(pollInterval)), pollInterval);
            jobs.put(id, job);
            LOG.infof("Following job %s, state %s", LogText.job(status.job()), LogText.escape(status.state()));
        }
        apply(job, status.phase(), now);
    }

    private void apply(TrackedJob job, JobPhase phase, Instant now) {
        switch (phase) {
            case PENDING -> { }
            case ACTIVE -> {
                if (job.lifecycle == JobLifecycle.PENDING) {
                    job.lifecycle = JobLifecycle.ACTIVE;
                } else if (job.lifecycle == JobLifecycle.DONE && !isRetired.test(job.ref.id())) {
                    // running again after it was retired, and its tombstone revived: follow it anew
                    job.lifecycle = JobLifecycle.ACTIVE;
                    job.sawTerminal = false;
                    job.interval = pollInterval;
                    job.lastEntries = TrackedJob.NOT_COUNTED;
                    job.nextPoll = now.plus(randomFraction(pollInterval));
                }
            }
            case TERMINAL -> {
                if (!job.sawTerminal && job.lifecycle != JobLifecycle.DONE) {
                    job.sawTerminal = true;
                    job.lifecycle = JobLifecycle.DRAINING;
                    job.drainPollsLeft = Math.max(1, drain.polls());
                    job.drainUntil = now.plus(drain.period());
                }
            }
        }
    }

    /**
     * At most {@code max} jobs whose next poll is due and that have no poll in flight, the longest
     * overdue first; each is marked in flight. Taking them in map order instead starved the jobs at
     * the end of the map whenever more were due than the poll slots could take: at 1,000 jobs, 581
     * were never polled while the first 419 were polled again and again.
     */
    public synchronized List<JobRef> takeDue(Instant now, int max) {
        List<TrackedJob> due = new ArrayList<>();
        for (TrackedJob job : jobs.values()) {
            if (isPolled(job) && !job.inFlight && !job.nextPoll.isAfter(now)) {
                due.add(job);
            }
        }
        if (due.size() > max) {
            due.sort(Comparator.comparing(job -> job.nextPoll));
            due = due.subList(0, Math.max(0, max));
        }
        List<JobRef> taken = new ArrayList<>(due.size());
        for (TrackedJob job : due) {
            job.inFlight = true;
            taken.add(job.ref);
        }
        return taken;
    }

    private static boolean isPolled(TrackedJob job) {
        return job.lifecycle == JobLifecycle.ACTIVE || job.lifecycle == JobLifecycle.DRAINING;
    }

    /**
     * Records that a poll ended and schedules the next one, adapting the job's interval to what it
     * found.
     *
     * @param delivered whether the poll fetched the log (a failed poll does not use up a drain poll)
     * @return true when the job is now done and should be retired
     */
    public synchronized boolean pollFinished(String jobId, boolean delivered, PollOutcome outcome, Instant now) {
        return pollFinished(jobId, delivered, outcome, Instant.MIN, now);
    }

    /**
     * As {@link #pollFinished(String, boolean, PollOutcome, Instant)}, polling the job again no
     * sooner than {@code notBefore} (a server's Retry-After).
     */
    public synchronized boolean pollFinished(String jobId, boolean delivered, PollOutcome outcome, Instant notBefore,
                                             Instant now) {
        TrackedJob job = jobs.get(jobId);
        if (job == null) {
            return false;
        }
        job.inFlight = false;
        if (job.lifecycle == JobLifecycle.DRAINING && delivered && --job.drainPollsLeft <= 0
                && !now.isBefore(job.drainUntil)) {
            job.lifecycle = JobLifecycle.DONE;
            LOG.infof("Job %s finished: all lines shipped", LogText.job(job.ref));
            return true;
        }
        adapt(job, outcome);
        Instant next = now.plus(jittered(job.interval));
        job.nextPoll = notBefore.isAfter(next) ? notBefore : next;
        return false;
    }

    private void adapt(TrackedJob job, PollOutcome outcome) {
        switch (outcome.kind()) {
            case UNCOUNTED -> {
                // nothing known of what the job wrote: the interval stays
            }
            case BACKLOG -> {
                job.interval = pollInterval; // a job that was idle before its burst must not wait its long interval
                job.lastEntries = TrackedJob.NOT_COUNTED;
            }
            case CUT -> {
                stretch(job); // fetching it again soon would cut it again: each try costs the limit's worth
                job.lastEntries = TrackedJob.NOT_COUNTED;
            }
            case COUNTED -> {
                if (job.lastEntries != TrackedJob.NOT_COUNTED && outcome.entries() == job.lastEntries) {
                    stretch(job);
                } else {
                    job.interval = pollInterval;
                }
                job.lastEntries = outcome.entries();
            }
        }
    }

    private void stretch(TrackedJob job) {
        Duration doubled = job.interval.multipliedBy(2);
        job.interval = doubled.compareTo(maxPollInterval) > 0 ? maxPollInterval : doubled;
    }

    /** The job's current interval before jitter, or null if it is not tracked; for tests and metrics. */
    public synchronized Duration interval(String jobId) {
        TrackedJob job = jobs.get(jobId);
        return job == null ? null : job.interval;
    }

    /** The job does not exist (404): stop following it now. Returns true if it was followed. */
    public synchronized boolean jobGone(String jobId) {
        TrackedJob job = jobs.get(jobId);
        if (job == null || job.lifecycle == JobLifecycle.DONE) {
            return false;
        }
        job.lifecycle = JobLifecycle.DONE;
        job.inFlight = false;
        return true;
    }

    /**
     * Forgets done jobs for which {@code stillKnown} is false (their tombstone was purged), so
     * memory does not grow with the number of jobs ever seen.
     */
    public synchronized void forgetDoneUnless(Predicate<String> stillKnown) {
        jobs.values().removeIf(job -> job.lifecycle == JobLifecycle.DONE && !stillKnown.test(job.ref.id()));
    }

    /** Job counts by lifecycle state, for metrics and the startup summary. */
    public synchronized Map<JobLifecycle, Integer> countsByLifecycle() {
        Map<JobLifecycle, Integer> counts = new EnumMap<>(JobLifecycle.class);
        for (JobLifecycle state : JobLifecycle.values()) {
            counts.put(state, 0);
        }
        jobs.values().forEach(job -> counts.merge(job.lifecycle, 1, Integer::sum));
        return counts;
    }

    /** The lifecycle state of one job, or null if it is not tracked. */
    public synchronized JobLifecycle lifecycle(String jobId) {
        TrackedJob job = jobs.get(jobId);
        return job == null ? null : job.lifecycle;
    }

    /** The ids of the jobs followed and not done (pending, active or draining). */
    public synchronized Set<String> liveJobIds() {
        Set<String> live = new HashSet<>();
        jobs.values().forEach(job -> {
            if (job.lifecycle != JobLifecycle.DONE) {
                live.add(job.ref.id());
            }
        });
        return live;
    }

    /** The ids of the jobs known but not started yet (NEW), whose start a poll interval should notice. */
    public synchronized List<String> pendingJobIds() {
        return jobs.values().stream().filter(job -> job.lifecycle == JobLifecycle.PENDING).map(job -> job.ref.id()).toList();
    }

    /** The ids of the jobs being polled (active or draining). */
    public synchronized List<String> polledJobIds() {
        return jobs.values().stream().filter(JobTracker::isPolled).map(job -> job.ref.id()).toList();
    }

    private Duration jittered(Duration base) {
        double factor = 1 - JITTER + 2 * JITTER * random.nextDouble();
        return Duration.ofNanos((long) (base.toNanos() * factor));
    }

    private Duration randomFraction(Duration base) {
        return Duration.ofNanos((long) (base.toNanos() * random.nextDouble()));
    }
}
