package dev.nitelog.bench.sinks;

/**
 * One side's measured run: records delivered, the wall time it took, and the CPU time the client
 * used meanwhile (all threads of the bench JVM for nitelog, the process for kcat and curl).
 */
record Timed(long records, long nanos, long cpuNanos) {
    double perSecond() {
        return records * 1e9 / nanos;
    }

    /** CPU milliseconds per 1000 records. */
    double cpuMillisPerThousand() {
        return cpuNanos / 1e6 / (records / 1000.0);
    }
}
