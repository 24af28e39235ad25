package dev.nitelog.bytenite;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the client reports, as short strings. */
final class RecordingListener implements ByteNiteListener {
    final List<String> attempts = new CopyOnWriteArrayList<>();
    final List<String> retries = new CopyOnWriteArrayList<>();
    final List<String> circuits = new CopyOnWriteArrayList<>();
    final List<String> circuitStates = new CopyOnWriteArrayList<>();
    final List<Duration> retryDelays = new CopyOnWriteArrayList<>();
    volatile int renewals;

    @Override
    public void onAttempt(ApiEndpoint endpoint, CallOutcome outcome) {
        attempts.add(endpoint.tag() + ":" + outcome.tag());
    }

    @Override
    public void onRetry(ApiEndpoint endpoint, CallOutcome cause, Duration delay, boolean retryAfter) {
        retries.add(endpoint.tag() + ":" + cause.tag() + (retryAfter ? ":retry-after" : ""));
        retryDelays.add(delay);
    }

    @Override
    public void onTokenRenewal() {
        renewals++;
    }

    @Override
    public void onCircuitChange(ApiEndpoint endpoint, boolean open) {
        circuits.add(endpoint.tag() + (open ? ":open" : ":closed"));
    }

    @Override
    public void onCircuitState(ApiEndpoint endpoint, CircuitState state) {
        circuitStates.add(endpoint.tag() + ":" + state.tag());
    }
}
