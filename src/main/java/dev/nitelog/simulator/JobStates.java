package dev.nitelog.simulator;

import java.util.Locale;

/**
 * Job state names. NEW, COMPLETE and FAILED are observed in real clients; every other name is
 * INVENTED from the GUI's timeline labels (API.md 2.4) and may not match the real enum.
 */
final class JobStates {

    static final String NEW = "JOB_STATE_NEW";
    /** Invented. */
    static final String STARTED = "JOB_STATE_STARTED";
    /** Invented. */
    static final String UPLOADING = "JOB_STATE_UPLOADING";
    /** Invented. */
    static final String PARTITIONING = "JOB_STATE_PARTITIONING";
    /** Invented. */
    static final String PARTITIONED = "JOB_STATE_PARTITIONED";
    /** Invented. */
    static final String TASKS_COMPLETED = "JOB_STATE_TASKS_COMPLETED";
    /** Invented. */
    static final String MERGING = "JOB_STATE_MERGING";
    /** Invented. */
    static final String MERGED = "JOB_STATE_MERGED";
    /** Invented. */
    static final String DOWNLOADING = "JOB_STATE_DOWNLOADING";
    static final String COMPLETE = "JOB_STATE_COMPLETE";
    static final String FAILED = "JOB_STATE_FAILED";
    /** Invented. */
    static final String ABORTED = "JOB_STATE_ABORTED";

    private JobStates() {
    }

    /** Terminal as API.md classifies it: COMPLETE, FAILED, or a name about aborting or errors. */
    static boolean isTerminal(String state) {
        String s = state.toUpperCase(Locale.ROOT);
        return s.equals(COMPLETE) || s.equals(FAILED) || s.contains("ABORT") || s.contains("CANCEL")
                || s.contains("ERROR") || s.contains("DELET");
    }
}
