package dev.nitelog.bytenite;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter (a uniform delay between 0 and min(max, base * 2^n)), or
 * the server's {@code Retry-After} capped at the maximum when it sent one. SmallRye Fault
 * Tolerance asks a fresh instance per guarded call, so the attempt count is per call.
 */
final class RetryBackoff implements CustomBackoffStrategy {
    /** Uniform random in [0, bound]. */
    static final LongUnaryOperator FULL_JITTER = bound -> ThreadLocalRandom.current().nextLong(bound + 1);

    private final ApiEndpoint endpoint;
    private final long baseMillis;
    private final long maxMillis;
    private final LongUnaryOperator jitter;
    private final ByteNiteListener listener;
    private int retries;

    RetryBackoff(ApiEndpoint endpoint, Duration base, Duration max, LongUnaryOperator jitter,
                 ByteNiteListener listener) {
        this.endpoint = endpoint;
        this.baseMillis = Math.max(0, base.toMillis());
        this.maxMillis = Math.max(0, max.toMillis());
        this.jitter = jitter;
        this.listener = listener;
    }

    @Override
    public long nextDelayInMillis(Throwable cause) {
        Optional<Duration> retryAfter = cause instanceof RetryableException r ? r.retryAfter() : Optional.empty();
        long delay = retryAfter.isPresent() ? Math.min(retryAfter.get().toMillis(), maxMillis)
                : jitter.applyAsLong(ceiling());
        retries++;
        CallOutcome outcome = cause instanceof RetryableException r ? r.outcome() : CallOutcome.SERVER_ERROR;
        listener.onRetry(endpoint, outcome, Duration.ofMillis(delay), retryAfter.isPresent());
        return delay;
    }

    /** min(max, base * 2^retries) without overflowing. */
    long ceiling() {
        if (retries >= 62 || baseMillis > (maxMillis >> Math.min(retries, 62))) {
            return maxMillis;
        }
        return Math.min(maxMillis, baseMillis << retries);
    }
}
