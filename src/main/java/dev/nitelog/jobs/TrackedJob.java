package dev.nitelog.jobs;

import dev.nitelog.record.JobRef;

import java.time.Duration;
import java.time.Instant;

/** Mutable per-job polling state, owned and guarded by {@link JobTracker}. */
final class TrackedJob {
    final JobRef ref;
    JobLifecycle lifecycle;
    Instant nextPoll;
    boolean inFlight;
    int drainPollsLeft;
    /** Not done before this, once terminal: late lines may still arrive until then. */
    Instant drainUntil;
    boolean sawTerminal;
    /** The current (unjittered) interval: the base while lines flow, doubled per empty poll. */
    Duration interval;
    /** {@link #lastEntries} before a response was counted, or after a poll whose count says nothing. */
    static final long NOT_COUNTED = -1;
    /** Entries in the last whole response, or {@link #NOT_COUNTED}: unchanged means no new lines. */
    long lastEntries = NOT_COUNTED;

    TrackedJob(JobRef ref, JobLifecycle lifecycle, Instant nextPoll, Duration interval) {
        this.ref = ref;
        this.lifecycle = lifecycle;
        this.nextPoll = nextPoll;
        this.interval = interval;
    }
}
