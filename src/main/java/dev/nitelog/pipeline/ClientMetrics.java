package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ApiEndpoint;
import dev.nitelog.bytenite.ByteNiteListener;
import dev.nitelog.bytenite.CallOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

import static dev.nitelog.metrics.MetricNames.API_REQUESTS;
import static dev.nitelog.metrics.MetricNames.API_RETRIES;
import static dev.nitelog.metrics.MetricNames.API_THROTTLED_SECONDS;
import static dev.nitelog.metrics.MetricNames.TOKEN_RENEWALS;

/**
 * Counts what the ByteNite client reports: every request by endpoint and outcome, retries, token
 * renewals, and the time requests waited for the rate limit or a server-requested pause.
 */
@ApplicationScoped
public class ClientMetrics implements ByteNiteListener {
    private final MeterRegistry registry;

    public ClientMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onAttempt(ApiEndpoint endpoint, CallOutcome outcome) {
        registry.counter(API_REQUESTS, "endpoint", endpoint.name().toLowerCase(), "outcome", outcome.tag()).increment();
    }

    @Override
    public void onRetry(ApiEndpoint endpoint, CallOutcome cause, Duration delay, boolean retryAfter) {
        registry.counter(API_RETRIES, "endpoint", endpoint.name().toLowerCase(), "retry_after", String.valueOf(retryAfter))
                .increment();
    }

    @Override
    public void onTokenRenewal() {
        registry.counter(TOKEN_RENEWALS).increment();
    }

    @Override
    public void onThrottled(ApiEndpoint endpoint, Duration waited, boolean retryAfter) {
        registry.counter(API_THROTTLED_SECONDS, "endpoint", endpoint.name().toLowerCase(),
                "reason", retryAfter ? "retry_after" : "rate_limit").increment(waited.toNanos() / 1e9);
    }
}
