package dev.nitelog.bytenite;

import java.time.Duration;

/**
 * Observes the client, for metrics and health: every CDI bean implementing this is called by
 * {@link ByteNiteClient}. Callbacks run on the polling thread and must be quick and never throw.
 * They never receive secrets.
 */
public interface ByteNiteListener {

    /** A listener that ignores everything. */
    ByteNiteListener NONE = new ByteNiteListener() {
    };

    /** One HTTP attempt ended (each retry is an attempt of its own). */
    default void onAttempt(ApiEndpoint endpoint, CallOutcome outcome) {
    }

    /**
     * A failed attempt will be retried after {@code delay}.
     *
     * @param retryAfter true when the delay comes from the server's {@code Retry-After}
     */
    default void onRetry(ApiEndpoint endpoint, CallOutcome cause, Duration delay, boolean retryAfter) {
    }

    /** A new access token was obtained (the first one included). */
    default void onTokenRenewal() {
    }

    /** An endpoint's circuit opened (true) or closed again (false). */
    default void onCircuitChange(ApiEndpoint endpoint, boolean open) {
    }

    /** An endpoint's circuit moved to {@code state}; unlike {@link #onCircuitChange}, half-open included. */
    default void onCircuitState(ApiEndpoint endpoint, CircuitState state) {
    }

    /**
     * A request waited before it was sent: for the client-wide rate limit, or because a 429 (or a
     * 503 with {@code Retry-After}) paused every request.
     *
     * @param retryAfter true when a server-requested pause made it wait
     */
    default void onThrottled(ApiEndpoint endpoint, Duration waited, boolean retryAfter) {
    }
}
