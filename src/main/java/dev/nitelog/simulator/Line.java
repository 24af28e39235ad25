package dev.nitelog.simulator;

import java.time.Instant;

/**
 * One stored log line, compact: the served timestamp is pre-rendered once, level and container
 * strings are shared constants, the stream is an index into the job's stream table.
 */
record Line(int stream, long epochSecond, int nanos, String timestamp, String level, String container,
            String message, long visibleAtMillis) {

    static final int PARTITIONER = 0;
    static final int ASSEMBLER = 1;
    static final int FIRST_TASK = 2;

    /** Orders by timestamp only; equal timestamps keep their arrival order in a sorted insert. */
    int compareTime(long otherSecond, int otherNanos) {
        int c = Long.compare(epochSecond, otherSecond);
        return c != 0 ? c : Integer.compare(nanos, otherNanos);
    }

    Instant instant() {
        return Instant.ofEpochSecond(epochSecond, nanos);
    }
}
