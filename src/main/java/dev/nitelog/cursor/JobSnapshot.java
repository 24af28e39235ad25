package dev.nitelog.cursor;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One job's committed cursors at a point in time.
 *
 * @param jobId     the job
 * @param version   the {@link Cursors#version()} of the job's last change; a store rewrites a job
 *                  only when this moved past what it last wrote
 * @param retiredAt when the job was retired (a tombstone), or null while it is live
 * @param sinks     per sink name, the committed cursor (a tombstone keeps only high waters)
 */
public record JobSnapshot(String jobId, long version, Instant retiredAt, Map<String, WindowSnapshot> sinks) {
    public JobSnapshot {
        Objects.requireNonNull(jobId, "jobId");
        sinks = Map.copyOf(sinks);
    }
}
