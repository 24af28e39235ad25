package dev.nitelog.cursor;

import java.util.Map;
import java.util.Set;

/**
 * Committed cursors for persistence: what {@link Cursors#snapshotCommitted} hands a
 * {@link CheckpointStore}, and what a store's {@code load()} hands {@link Cursors#restore}.
 *
 * @param version the {@link Cursors#version()} when the snapshot began; every change up to it is in
 *                this snapshot or in an earlier one
 * @param allJobs every job the cursors hold, changed or not, so a store can delete the files of
 *                jobs no longer held (purged tombstones)
 * @param jobs    the jobs' contents: all of them, or only those changed after the version asked for
 */
public record CursorSnapshot(long version, Set<String> allJobs, Map<String, JobSnapshot> jobs) {
    public CursorSnapshot {
        allJobs = Set.copyOf(allJobs);
        jobs = Map.copyOf(jobs);
    }

    /** Nothing at all. */
    public static CursorSnapshot empty() {
        return new CursorSnapshot(0, Set.of(), Map.of());
    }
}
