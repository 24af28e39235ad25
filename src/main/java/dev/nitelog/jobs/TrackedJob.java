package dev.nitelog.jobs;

import dev.nitelog.record.JobRef;

import java.time.Instant;

/** Mutable per-job polling state, owned and guarded by {@link JobTracker}. */
final class TrackedJob {
    final JobRef ref;
    JobLifecycle lifecycle;
    Instant nextPoll;
    boolean inFlight;
    int drainPollsLeft;
    boolean sawTerminal;

    TrackedJob(JobRef ref, JobLifecycle lifecycle, Instant nextPoll) {
        this.ref = ref;
        this.lifecycle = lifecycle;
        this.nextPoll = nextPoll;
    }
}
