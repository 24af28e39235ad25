package dev.nitelog.bench;

/** Not written yet. */
final class ThroughputBench implements Scenario {
    @Override
    public Result run(boolean quick) {
        throw new UnsupportedOperationException("ThroughputBench is not written yet");
    }
}
