package dev.nitelog.bytenite;

/** Where a job stands, as far as following its logs is concerned. */
public enum JobPhase {
    /** Created but not run ({@code JOB_STATE_NEW}): no logs yet. */
    PENDING,
    /** Running, or in a state nitelog does not know: poll it. */
    ACTIVE,
    /** Complete, failed, aborted, or ended ({@code endedAt} set): drain, then retire. */
    TERMINAL
}
