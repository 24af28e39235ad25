package dev.nitelog.bytenite;

import dev.nitelog.config.ByteNiteConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;

/**
 * Retry and circuit breaker for one endpoint, built with SmallRye Fault Tolerance's programmatic
 * {@link Guard} API because every value comes from runtime config. Only {@link RetryableException}s
 * are retried and count as circuit failures: a 404 or a malformed body says nothing about the
 * endpoint's health. Retry wraps the breaker, so every attempt counts towards it, and an open
 * circuit fails the call at once.
 */
final class EndpointGuard {
    private static final Logger LOG = Logger.getLogger(EndpointGuard.class);
    private static final Predicate<Throwable> RETRYABLE = t -> t instanceof RetryableException;
    /** Of the requests in the window, this share failing opens the circuit. */
    private static final double FAILURE_RATIO = 0.5;

    private final ApiEndpoint endpoint;
    private final ByteNiteListener listener;
    private final Guard guard;
    private final RequestThrottle throttle;
    private final Duration pauseWithoutRetryAfter;
    private final Duration maxPause;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private boolean reportedOpen;

    EndpointGuard(ApiEndpoint endpoint, ByteNiteConfig config, LongUnaryOperator jitter, ByteNiteListener listener,
                  RequestThrottle throttle) {
        this.endpoint = endpoint;
        this.listener = listener;
        this.throttle = throttle;
        this.pauseWithoutRetryAfter = config.retryBackoff();
        this.maxPause = config.retryMaxBackoff();
        this.guard = Guard.create()
                .withDescription("ByteNite " + endpoint.tag())
                .withRetry()
                .maxRetries(Math.max(0, config.maxRetries())) // -1 would mean forever in SmallRye
                .maxDuration(0, ChronoUnit.MILLIS) // bounded by maxRetries and the backoff cap instead
                .jitter(0, ChronoUnit.MILLIS) // RetryBackoff applies full jitter itself
                .whenException(RETRYABLE)
                .withCustomBackoff()
                .strategy(() -> new RetryBackoff(endpoint, config.retryBackoff(), config.retryMaxBackoff(), jitter,
                        listener))
                .done()
                .done()
                .withCircuitBreaker()
                .when(RETRYABLE)
                .requestVolumeThreshold(Math.max(1, config.circuitBreakerWindow()))
                .failureRatio(FAILURE_RATIO)
                .delay(config.circuitBreakerDelay().toMillis(), ChronoUnit.MILLIS)
                .onStateChange(this::stateChanged)
                .done()
                .build();
    }

    /** True while the circuit is open (calls fail fast); half-open counts as closed. */
    boolean open() {
        return state == CircuitBreakerState.OPEN;
    }

    /**
     * Runs {@code attempt} under retry and circuit breaker.
     *
     * @param what e.g. {@code POST /logs for job X}, for messages
     */
    <T> T call(String what, Callable<T> attempt) throws ByteNiteException {
        int[] attempts = {0};
        Callable<Object> counted = () -> {
            attempts[0]++;
            try {
                return attempt.call();
            } catch (RetryableException e) {
                pauseIfThrottled(e);
                throw e;
            }
        };
        try {
            @SuppressWarnings("unchecked")
            T result = (T) guard.call(counted, Object.class);
            return result;
        } catch (RetryableException e) {
            throw attempts[0] > 1
                    ? new ByteNiteException(e.getMessage() + " (gave up after " + attempts[0] + " attempts)",
                    e.httpStatus(), e.grpcCode(), e)
                    : e;
        } catch (ByteNiteException e) {
            throw e;
        } catch (CircuitBreakerOpenException e) {
            listener.onAttempt(endpoint, CallOutcome.CIRCUIT_OPEN);
            throw new CircuitOpenException("ByteNite " + what + " not sent: the " + endpoint.tag()
                    + " circuit is open after repeated failures");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ByteNiteException("ByteNite " + what + " failed: " + e.getClass().getSimpleName(), 0, -1, e);
        }
    }

    /**
     * A 429, or a 503 that says when to come back, is about the client, not this one request:
     * every request from any job waits. The pause is capped like a retry's backoff, so a server
     * asking for an hour cannot stall nitelog for one.
     */
    private void pauseIfThrottled(RetryableException e) {
        Optional<Duration> retryAfter = e.retryAfter();
        if (e.httpStatus() == 429 || (e.httpStatus() == 503 && retryAfter.isPresent())) {
            Duration length = retryAfter.orElse(pauseWithoutRetryAfter);
            throttle.pause(length.compareTo(maxPause) > 0 ? maxPause : length);
        }
    }

    private synchronized void stateChanged(CircuitBreakerState next) {
        state = next;
        listener.onCircuitState(endpoint, switch (next) {
            case CLOSED -> CircuitState.CLOSED;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
            case OPEN -> CircuitState.OPEN;
        });
        // half-open is a trial, not news: report only real opening and closing, once each
        if (next == CircuitBreakerState.OPEN && !reportedOpen) {
            reportedOpen = true;
            LOG.warnf("ByteNite %s circuit opened after repeated failures; calls fail fast for a while",
                    endpoint.tag());
            listener.onCircuitChange(endpoint, true);
        } else if (next == CircuitBreakerState.CLOSED && reportedOpen) {
            reportedOpen = false;
            LOG.infof("ByteNite %s circuit closed again", endpoint.tag());
            listener.onCircuitChange(endpoint, false);
        }
    }
}
