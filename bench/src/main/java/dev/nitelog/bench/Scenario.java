package dev.nitelog.bench;

/** One benchmark scenario; {@code quick} runs small sizes and few runs, to check the harness. */
public interface Scenario {
    Result run(boolean quick) throws Exception;
}
