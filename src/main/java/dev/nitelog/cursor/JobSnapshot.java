package dev.nitelog.cursor;

import dev.nitelog.record.StreamKey;

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
 * @param sinks     per sink name, the one cursor a checkpoint of format 1 kept for all the job's
 *                  streams together; consulted until the job retires, so an upgrade neither
 *                  re-ships nor skips what that cursor held (empty for jobs first seen since)
 * @param streams   per sink name, the committed cursor of each stream (a tombstone keeps only
 *                  high waters)
 */
public record JobSnapshot(String jobId, long version, Instant retiredAt, Map<String, WindowSnapshot> sinks,
                          Map<String, Map<StreamKey, WindowSnapshot>> streams) {
    public JobSnapshot {
        Objects.requireNonNull(jobId, "jobId");
        sinks = Map.copyOf(sinks);
        streams = Map.copyOf(streams);
    }

    /** A job known only by the per-sink cursors of checkpoint format 1. */
    public JobSnapshot(String jobId, long version, Instant retiredAt, Map<String, WindowSnapshot> sinks) {
        this(jobId, version, retiredAt, sinks, Map.of());
    }
}
