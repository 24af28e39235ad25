package dev.nitelog.bench.sinks;

/** One side's measured run: records delivered and the wall time it took. */
record Timed(long records, long nanos) {
    double perSecond() {
        return records * 1e9 / nanos;
    }
}
