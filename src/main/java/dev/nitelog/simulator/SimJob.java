package dev.nitelog.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated job: its metadata, its state history and its log. */
final class SimJob {

    /** A job template, as {@code templateInfo} shows it. */
    record Template(String id, String app, String partitioner, String assembler, String description) {
    }

    /** A consistent copy of the job's mutable fields, for rendering. */
    record View(String id, String name, Template template, int numChunks, Instant createdAt, String state,
                Map<String, Instant> stateTimestamps, Instant startedAt, Instant endedAt, String errorMessage) {
    }

    final String id;
    final String name;
    final Template template;
    final int numChunks;
    final Instant createdAt;
    final JobLog log = new JobLog();
    /** The content generator; null for a job scripted by a test (the producer never plays one). */
    final JobScript script;
    /** Draws for timestamps of generated lines (sub-microsecond digits, mixed precision); null as {@link #script}. */
    final java.util.Random stamps;
    /** Lines the production clock owes this job; touched by the clock thread only. */
    double budget;
    /** Newest raw timestamp stamped on a generated line, epoch nanos; clock thread only. */
    long newestNanos;

    private String state = JobStates.NEW;
    private final Map<String, Instant> stateTimestamps = new LinkedHashMap<>();
    private Instant startedAt;
    private Instant endedAt;
    private String errorMessage = NO_ERROR;

    /** The {@code errorMessage} of a job that did not fail, as ByteNite serves it. */
    static final String NO_ERROR = "";

    /** A generated job: {@code script} plays its states and lines, {@code stamps} draws their timestamps. */
    SimJob(String id, String name, Template template, int numChunks, Instant createdAt, JobScript script,
           java.util.Random stamps) {
        this.id = id;
        this.stamps = stamps;
        this.name = name;
        this.template = template;
        this.numChunks = numChunks;
        this.createdAt = createdAt;
        this.script = script;
        stateTimestamps.put(JobStates.NEW, createdAt);
    }

    /** A job whose lines and states a test sets: no chunks, no generator. */
    SimJob(String id, String name, Template template, Instant createdAt) {
        this.id = id;
        this.stamps = null;
        this.name = name;
        this.template = template;
        this.numChunks = 0;
        this.createdAt = createdAt;
        this.script = null;
        stateTimestamps.put(JobStates.NEW, createdAt);
    }

    /** Moves to {@code newState} without an error message. */
    synchronized boolean transition(String newState, Instant at) {
        return transition(newState, at, NO_ERROR);
    }

    /**
     * Moves to {@code newState}. A terminal state sets {@code endedAt}; once terminal the job
     * stays put, so a test completing a job races no generator.
     */
    synchronized boolean transition(String newState, Instant at, String error) {
        if (endedAt != null) {
            return false;
        }
        state = newState;
        stateTimestamps.put(newState, at);
        if (startedAt == null && !JobStates.NEW.equals(newState)) {
            startedAt = at;
        }
        if (JobStates.isTerminal(newState)) {
            endedAt = at;
            errorMessage = java.util.Objects.requireNonNull(error, "error");
        }
        return true;
    }

    synchronized boolean isTerminal() {
        return endedAt != null;
    }

    synchronized String state() {
        return state;
    }

    synchronized View view() {
        return new View(id, name, template, numChunks, createdAt, state, Map.copyOf(stateTimestamps),
                startedAt, endedAt, errorMessage);
    }

    /** Seconds from start to end (or to now while running). */
    static long durationSeconds(View v, Instant now) {
        if (v.startedAt() == null) {
            return 0;
        }
        Instant end = v.endedAt() == null ? now : v.endedAt();
        return Math.max(0, Duration.between(v.startedAt(), end).getSeconds());
    }
}
