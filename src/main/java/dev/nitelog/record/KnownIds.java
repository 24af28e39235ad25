package dev.nitelog.record;

/**
 * Asks, while a response is parsed, whether a line's id is already held everywhere it would go,
 * so the parser can drop the line without building its record. Answering true promises that
 * offering the record would change nothing: every interested sink already has it sent and
 * confirmed. Called once per line inside the dedup window, from the polling thread.
 */
@FunctionalInterface
public interface KnownIds {

    /** Knows nothing: every line is materialised. */
    KnownIds NONE = (high, low) -> false;

    /** True when every interested sink already holds the id {@code (high, low)}. */
    boolean known(long high, long low);
}
