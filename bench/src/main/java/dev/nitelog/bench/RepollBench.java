package dev.nitelog.bench;

/** Not written yet. */
final class RepollBench implements Scenario {
    @Override
    public Result run(boolean quick) {
        throw new UnsupportedOperationException("RepollBench is not written yet");
    }
}
