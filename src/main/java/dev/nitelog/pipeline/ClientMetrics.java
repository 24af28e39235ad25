package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ApiEndpoint;
import dev.nitelog.bytenite.ByteNiteListener;
import dev.nitelog.bytenite.CallOutcome;
import dev.nitelog.bytenite.CircuitState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.nitelog.metrics.MetricNames.API_CIRCUIT_STATE;
import static dev.nitelog.metrics.MetricNames.API_REQUESTS;
import static dev.nitelog.metrics.MetricNames.API_RETRIES;
import static dev.nitelog.metrics.MetricNames.API_THROTTLED_SECONDS;
import static dev.nitelog.metrics.MetricNames.TOKEN_RENEWALS;

/**
 * Counts what the ByteNite client reports: every request by endpoint and outcome, retries, token
 * renewals, the time requests waited for the rate limit or a server-requested pause, and each
 * endpoint's circuit state. Created at startup, not on the first request, so that its series exist
 * (at 0, circuits closed) from the first scrape.
 */
@Startup
@ApplicationScoped
public class ClientMetrics implements ByteNiteListener {
    private final MeterRegistry registry;
    private final Map<ApiEndpoint, CircuitState> circuits = new ConcurrentHashMap<>();

    public ClientMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (ApiEndpoint endpoint : ApiEndpoint.values()) {
            circuits.put(endpoint, CircuitState.CLOSED);
            for (CallOutcome outcome : CallOutcome.values()) {
                registry.counter(API_REQUESTS, "endpoint", endpoint.tag(), "outcome", outcome.tag());
            }
            // one series per state, 1 for the current one: alerts read state="open" == 1, no codes
            for (CircuitState state : CircuitState.values()) {
                Gauge.builder(API_CIRCUIT_STATE, circuits, c -> c.get(endpoint) == state ? 1 : 0)
                        .tag("endpoint", endpoint.tag()).tag("state", state.tag())
                        .description("1 for the current state of the endpoint's circuit breaker, else 0")
                        .register(registry);
            }
        }
        registry.counter(TOKEN_RENEWALS);
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
    public void onCircuitState(ApiEndpoint endpoint, CircuitState state) {
        circuits.put(endpoint, state);
    }

    @Override
    public void onThrottled(ApiEndpoint endpoint, Duration waited, boolean retryAfter) {
        registry.counter(API_THROTTLED_SECONDS, "endpoint", endpoint.name().toLowerCase(),
                "reason", retryAfter ? "retry_after" : "rate_limit").increment(waited.toNanos() / 1e9);
    }
}
