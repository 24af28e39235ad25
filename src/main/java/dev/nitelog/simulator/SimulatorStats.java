package dev.nitelog.simulator;

import java.util.Map;

/**
 * A snapshot of what the simulator has answered, so tests can match a client's metrics against
 * the faults injected.
 *
 * @param requests       requests received per route
 * @param outcomes       answers per outcome (see {@link Outcome} for how SLOW counts)
 * @param logsRequests   {@code POST /logs} requests per job id (only those naming a job)
 */
public record SimulatorStats(
        Map<Route, Long> requests,
        Map<Outcome, Long> outcomes,
        Map<String, Long> logsRequests) {

    /** Defensive copies. */
    public SimulatorStats {
        requests = Map.copyOf(requests);
        outcomes = Map.copyOf(outcomes);
        logsRequests = Map.copyOf(logsRequests);
    }

    /** Requests received on one route. */
    public long requests(Route route) {
        return requests.getOrDefault(route, 0L);
    }

    /** Answers with one outcome. */
    public long count(Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0L);
    }

    /** Requests received on all routes. */
    public long totalRequests() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }
}
