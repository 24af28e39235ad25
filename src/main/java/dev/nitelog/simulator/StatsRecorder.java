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

    StatsRecorder() {
        for (Route r : Route.values()) {
            requests.put(r, new LongAdder());
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

    SimulatorStats snapshot() {
        Map<Route, Long> r = new EnumMap<>(Route.class);
        requests.forEach((k, v) -> r.put(k, v.sum()));
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        outcomes.forEach((k, v) -> o.put(k, v.sum()));
        Map<String, Long> l = new HashMap<>();
        logsRequests.forEach((k, v) -> l.put(k, v.sum()));
        return new SimulatorStats(r, o, l);
    }
}
