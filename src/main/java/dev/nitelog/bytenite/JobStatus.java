package dev.nitelog.bytenite;

import dev.nitelog.record.JobRef;

import java.time.Instant;

/**
 * A job and its state as the Jobs API reported it.
 *
 * @param job   id and name
 * @param state the raw state name (e.g. {@code JOB_STATE_RUNNING}); may be one nitelog does not know
 * @param phase the state classified for polling
 * @param endedAt when the job completed or failed, or null while it runs
 * @param createdAt when the job was created, or null when ByteNite did not say: how a listing
 *                  newest first is checked to really be in that order
 */
public record JobStatus(JobRef job, String state, JobPhase phase, Instant endedAt, Instant createdAt) {
    /** A status without a creation time. */
    public JobStatus(JobRef job, String state, JobPhase phase, Instant endedAt) {
        this(job, state, phase, endedAt, null);
    }
}
