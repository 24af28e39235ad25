package dev.nitelog.record;

/**
 * Asks, while a response is parsed, whether a line's id is already held everywhere it would go,
 * so the parser can drop the line without building its record. Any answer but
 * {@link State#UNKNOWN} promises that offering the record would change nothing: every interested
 * sink was handed it already; {@link State#SENT} lines keep the job unsettled until every sink
 * confirmed them. Called once per line inside the dedup window, from the polling thread.
 */
@FunctionalInterface
public interface KnownIds {

    /** How far a line has got to every sink that wants it. */
    enum State {
        /** Some interested sink has not been handed the line: it must be made. */
        UNKNOWN,
        /**
         * Every interested sink was handed the line (it is queued or in flight), but not every one
         * confirmed it yet: no need to make it again, but the job is not settled.
         */
        SENT,
        /** Every interested sink has the line sent and confirmed. */
        DELIVERED
    }

    /** Knows nothing: every line is materialised. */
    KnownIds NONE = (high, low) -> State.UNKNOWN;

    /** The state of the id {@code (high, low)}, in one look-up. */
    State state(long high, long low);
}
