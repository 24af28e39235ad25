package dev.nitelog.simulator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** All jobs, in creation order. */
final class JobRegistry {

    private final List<SimJob> ordered = new CopyOnWriteArrayList<>();
    private final Map<String, SimJob> byId = new ConcurrentHashMap<>();

    void add(SimJob job) {
        byId.put(job.id, job);
        ordered.add(job);
    }

    SimJob get(String id) {
        return id == null ? null : byId.get(id);
    }

    /** Like {@link #get} but for control methods: an unknown id is the caller's bug. */
    SimJob require(String id) {
        SimJob job = get(id);
        if (job == null) {
            throw new IllegalArgumentException("no simulated job with id " + id);
        }
        return job;
    }

    List<SimJob> all() {
        return List.copyOf(ordered);
    }

    int size() {
        return ordered.size();
    }
}
