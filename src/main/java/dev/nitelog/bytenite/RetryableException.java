package dev.nitelog.bytenite;

import java.time.Duration;

/**
 * A failure worth retrying (429, 5xx, timeout, connection failure). Only the fault tolerance
 * layer inside this package tells it apart; callers see a {@link ByteNiteException}.
 */
final class RetryableException extends ByteNiteException {
    private final CallOutcome outcome;
    private final Duration retryAfter;

    RetryableException(String message, int httpStatus, int grpcCode, CallOutcome outcome, Duration retryAfter,
                       Throwable cause) {
        super(message, httpStatus, grpcCode, cause);
        this.outcome = outcome;
        this.retryAfter = retryAfter;
    }

    CallOutcome outcome() {
        return outcome;
    }

    /** The server's Retry-After, or null when it sent none. */
    Duration retryAfter() {
        return retryAfter;
    }
}
