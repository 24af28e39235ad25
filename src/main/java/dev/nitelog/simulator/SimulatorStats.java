package dev.nitelog.simulator;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of what the simulator has answered, so tests can match a client's metrics against
 * the faults injected.
 *
 * @param requests       requests received per route
 * @param outcomes       answers per outcome (see {@link Outcome} for how SLOW counts)
 * @param logsRequests   {@code POST /logs} requests per job id (only those naming a job)
 * @param faults         injected faults per route and kind (routes and kinds without any are absent)
 * @param revokedTokens  valid tokens that an injected {@link Fault#EXPIRED_TOKEN} revoked; an injected
 *                       401 on a token already revoked (or never valid) revokes nothing
 */
public record SimulatorStats(
        Map<Route, Long> requests,
        Map<Outcome, Long> outcomes,
        Map<String, Long> logsRequests,
        Map<Route, Map<Fault, Long>> faults,
        long revokedTokens) {

    /** Defensive copies. */
    public SimulatorStats {
        requests = Map.copyOf(requests);
        outcomes = Map.copyOf(outcomes);
        logsRequests = Map.copyOf(logsRequests);
        Map<Route, Map<Fault, Long>> f = new EnumMap<>(Route.class);
        faults.forEach((route, kinds) -> f.put(route, Map.copyOf(kinds)));
        faults = Map.copyOf(f);
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

    /** Faults of this kind injected on this route. */
    public long faults(Route route, Fault kind) {
        return faults.getOrDefault(route, Map.of()).getOrDefault(kind, 0L);
    }

    /** Faults of this kind injected on any of these routes. */
    public long faults(Collection<Route> routes, Fault kind) {
        return routes.stream().mapToLong(r -> faults(r, kind)).sum();
    }

    /** Faults of this kind injected on all routes. */
    public long faults(Fault kind) {
        return faults(Set.of(Route.values()), kind);
    }
}
