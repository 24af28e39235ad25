package dev.nitelog.record;

/**
 * Asks, while a response is parsed, whether a line's id is already held everywhere it would go,
 * so the parser can drop the line without building its record. Answering true promises that
 * offering the record would change nothing: every interested sink already has it sent and
 * confirmed. {@link #state} also tells lines handed to every sink but not confirmed everywhere yet,
 * which need no record either but keep the job unsettled. Called once per line inside the dedup
 * window, from the polling thread.
 */
@FunctionalInterface
public interface KnownIds {

    /** Knows nothing: every line is materialised. */
    KnownIds NONE = (high, low) -> false;

    /** {@link #state}: some interested sink has not been handed the line: it must be made. */
    int UNKNOWN = 0;
    /**
     * {@link #state}: every interested sink was handed the line (it is queued or in flight), but
     * not every one confirmed it yet: no need to make it again, but the job is not settled.
     */
    int SENT = 1;
    /** {@link #state}: every interested sink has the line sent and confirmed. */
    int DELIVERED = 2;

    /** True when every interested sink already holds the id {@code (high, low)}. */
    boolean known(long high, long low);

    /**
     * {@link #UNKNOWN}, {@link #SENT} or {@link #DELIVERED}, in one look-up. Without an override,
     * a line is either delivered or unknown, as {@link #known} says.
     */
    default int state(long high, long low) {
        return known(high, low) ? DELIVERED : UNKNOWN;
    }
}
