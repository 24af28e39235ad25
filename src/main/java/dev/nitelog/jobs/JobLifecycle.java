package dev.nitelog.jobs;

/** A followed job's lifecycle (ARCHITECTURE.md): discovered, active, draining, done. */
public enum JobLifecycle {
    /** Known but not running yet (JOB_STATE_NEW): not polled. */
    PENDING,
    /** Polled every interval. */
    ACTIVE,
    /** Terminal state seen: polled a few more times so late lines arrive. */
    DRAINING,
    /** Finished; its cursor stays as a tombstone for the retention period. */
    DONE
}
