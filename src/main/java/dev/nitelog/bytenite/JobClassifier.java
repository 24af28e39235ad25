package dev.nitelog.bytenite;

/**
 * Classifies a job for polling. ByteNite's full state enum was never published (API.md 2.4), so
 * this goes by the states observed in real clients plus name patterns for the terminal states
 * that must exist (abort, cancel), and treats anything it does not know as running: polling a
 * finished job a little too long costs one request, missing a running job's logs loses lines.
 */
final class JobClassifier {
    private static final String[] TERMINAL_MARKERS = {"ABORT", "CANCEL", "ERROR", "DELET"};

    private JobClassifier() {
    }

    /**
     * @param state   the wire state name; null or empty when absent
     * @param endedAt the wire {@code endedAt}; null or empty when absent
     */
    static JobPhase classify(String state, String endedAt) {
        if (endedAt != null && !endedAt.isBlank()) {
            return JobPhase.TERMINAL;
        }
        if (state == null || state.isEmpty()) {
            return JobPhase.ACTIVE;
        }
        if (state.equals("JOB_STATE_COMPLETE") || state.equals("JOB_STATE_FAILED")) {
            return JobPhase.TERMINAL;
        }
        for (String marker : TERMINAL_MARKERS) {
            if (state.contains(marker)) {
                return JobPhase.TERMINAL;
            }
        }
        return state.equals("JOB_STATE_NEW") ? JobPhase.PENDING : JobPhase.ACTIVE;
    }
}
