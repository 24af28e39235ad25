package dev.nitelog.bytenite;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryBackoffTest {

    private final List<Long> bounds = new ArrayList<>();

    private RetryBackoff backoff(Duration base, Duration max) {
        // "jitter" that records its bound and returns it, so the ceiling sequence is visible
        return new RetryBackoff(ApiEndpoint.LOGS, base, max, bound -> {
            bounds.add(bound);
            return bound;
        }, ByteNiteListener.NONE);
    }

    private static RetryableException failure(Duration retryAfter) {
        return new RetryableException("x", 503, 14, CallOutcome.SERVER_ERROR, Optional.of(retryAfter));
    }

    private static RetryableException failure() {
        return new RetryableException("x", 503, 14, CallOutcome.SERVER_ERROR, Optional.empty());
    }

    @Test
    void doublesTheJitterCeilingUpToTheMaximum() {
        RetryBackoff backoff = backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        for (int i = 0; i < 6; i++) {
            backoff.nextDelayInMillis(failure());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L), bounds);
    }

    @Test
    void neverOverflowsOnManyRetries() {
        RetryBackoff backoff = backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        long last = 0;
        for (int i = 0; i < 100; i++) {
            last = backoff.nextDelayInMillis(failure());
        }
        assertEquals(30_000, last);
    }

    @Test
    void fullJitterStaysWithinZeroAndTheCeiling() {
        RetryBackoff backoff = new RetryBackoff(ApiEndpoint.LOGS, Duration.ofMillis(100), Duration.ofMillis(400),
                RetryBackoff.FULL_JITTER, ByteNiteListener.NONE);
        for (int i = 0; i < 1000; i++) {
            long delay = backoff.nextDelayInMillis(failure());
            assertEquals(true, delay >= 0 && delay <= 400, "delay " + delay);
        }
    }

    @Test
    void honoursRetryAfterCappedAtTheMaximum() {
        RetryBackoff backoff = backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        assertEquals(2000, backoff.nextDelayInMillis(failure(Duration.ofSeconds(2))));
        assertEquals(5000, backoff.nextDelayInMillis(failure(Duration.ofSeconds(120))));
        assertEquals(0, backoff.nextDelayInMillis(failure(Duration.ZERO)));
    }

    @Test
    void reportsEachRetryWithItsDelayAndCause() {
        List<String> seen = new ArrayList<>();
        RetryBackoff backoff = new RetryBackoff(ApiEndpoint.LOGS, Duration.ofMillis(100), Duration.ofSeconds(5),
                bound -> bound, new ByteNiteListener() {
            @Override
            public void onRetry(ApiEndpoint endpoint, CallOutcome cause, Duration delay, boolean retryAfter) {
                seen.add(endpoint.tag() + " " + cause.tag() + " " + delay.toMillis() + " " + retryAfter);
            }
        });
        backoff.nextDelayInMillis(new RetryableException("x", 429, 8, CallOutcome.RATE_LIMITED,
                Optional.of(Duration.ofSeconds(3))));
        backoff.nextDelayInMillis(failure());
        assertEquals(List.of("logs 429 3000 true", "logs 5xx 200 false"), seen);
    }
}
