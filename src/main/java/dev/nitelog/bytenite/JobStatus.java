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
 */
public record JobStatus(JobRef job, String state, JobPhase phase, Instant endedAt) {
}
