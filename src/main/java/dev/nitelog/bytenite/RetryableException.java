package dev.nitelog.bytenite;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure worth retrying (429, 5xx, timeout, connection failure). Only the fault tolerance
 * layer inside this package tells it apart; callers see a {@link ByteNiteException}.
 */
final class RetryableException extends ByteNiteException {
    private final CallOutcome outcome;
    private final Optional<Duration> retryAfter;

    /** A response worth retrying, with the server's {@code Retry-After} where it sent one. */
    RetryableException(String message, int httpStatus, int grpcCode, CallOutcome outcome,
                       Optional<Duration> retryAfter) {
        super(message, httpStatus, grpcCode);
        this.outcome = outcome;
        this.retryAfter = retryAfter;
    }

    /** A request that got no (complete) response: no status, no {@code Retry-After}. */
    RetryableException(String message, CallOutcome outcome, Throwable cause) {
        super(message, 0, -1, cause);
        this.outcome = outcome;
        this.retryAfter = Optional.empty();
    }

    CallOutcome outcome() {
        return outcome;
    }

    /** The server's Retry-After; empty when it sent none. */
    Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
