package dev.nitelog.bench;

/** Not written yet. */
final class FreshnessBench implements Scenario {
    @Override
    public Result run(boolean quick) {
        throw new UnsupportedOperationException("FreshnessBench is not written yet");
    }
}
