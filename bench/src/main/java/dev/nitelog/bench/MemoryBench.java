package dev.nitelog.bench;

/** Not written yet. */
final class MemoryBench implements Scenario {
    @Override
    public Result run(boolean quick) {
        throw new UnsupportedOperationException("MemoryBench is not written yet");
    }
}
