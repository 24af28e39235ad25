package dev.nitelog.simulator;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Lock-free request and outcome counters behind {@link SimulatorStats}. */
final class StatsRecorder {

    private final Map<Route, LongAdder> requests = new EnumMap<>(Route.class);
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final Map<String, LongAdder> logsRequests = new ConcurrentHashMap<>();
    private final Map<Route, Map<Fault, LongAdder>> faults = new EnumMap<>(Route.class);
    private final LongAdder revokedTokens = new LongAdder();

    StatsRecorder() {
        for (Route r : Route.values()) {
            requests.put(r, new LongAdder());
            Map<Fault, LongAdder> kinds = new EnumMap<>(Fault.class);
            for (Fault f : Fault.values()) {
                kinds.put(f, new LongAdder());
            }
            faults.put(r, kinds);
        }
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
    }

    void request(Route route) {
        requests.get(route).increment();
    }

    void outcome(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    void logsRequest(String jobId) {
        logsRequests.computeIfAbsent(jobId, id -> new LongAdder()).increment();
    }

    void fault(Route route, Fault kind) {
        faults.get(route).get(kind).increment();
    }

    void tokenRevoked() {
        revokedTokens.increment();
    }

    SimulatorStats snapshot() {
        Map<Route, Long> r = new EnumMap<>(Route.class);
        requests.forEach((k, v) -> r.put(k, v.sum()));
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        outcomes.forEach((k, v) -> o.put(k, v.sum()));
        Map<String, Long> l = new HashMap<>();
        logsRequests.forEach((k, v) -> l.put(k, v.sum()));
        Map<Route, Map<Fault, Long>> f = new EnumMap<>(Route.class);
        faults.forEach((route, kinds) -> kinds.forEach((kind, n) -> {
            long sum = n.sum();
            if (sum > 0) {
                f.computeIfAbsent(route, x -> new EnumMap<>(Fault.class)).put(kind, sum);
            }
        }));
        return new SimulatorStats(r, o, l, f, revokedTokens.sum());
    }
}
