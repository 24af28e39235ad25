package dev.nitelog.record;

/**
 * Asks, while a response is parsed, whether a line's id is already held everywhere it would go,
 * so the parser can drop the line without building its record. Any answer but {@link #UNKNOWN}
 * promises that offering the record would change nothing: every interested sink was handed it
 * already; {@link #SENT} lines keep the job unsettled until every sink confirmed them. Called once
 * per line inside the dedup window, from the polling thread.
 */
@FunctionalInterface
public interface KnownIds {

    /** {@link #state}: some interested sink has not been handed the line: it must be made. */
    int UNKNOWN = 0;
    /**
     * {@link #state}: every interested sink was handed the line (it is queued or in flight), but
     * not every one confirmed it yet: no need to make it again, but the job is not settled.
     */
    int SENT = 1;
    /** {@link #state}: every interested sink has the line sent and confirmed. */
    int DELIVERED = 2;

    /** Knows nothing: every line is materialised. */
    KnownIds NONE = (high, low) -> UNKNOWN;

    /** {@link #UNKNOWN}, {@link #SENT} or {@link #DELIVERED} for the id {@code (high, low)}, in one look-up. */
    int state(long high, long low);
}
