package dev.nitelog.bench;

import java.util.Arrays;

/** Scenario sizes from system properties ({@code -Dfreshness.jobs=1,100}), with defaults. */
final class Params {
    private Params() {
    }

    static int[] ints(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
    }

    static int integer(String property, int defaults) {
        return Integer.getInteger(property, defaults);
    }

    /** Measured runs: {@code -Dbench.runs}, default 5 (3 with --quick). */
    static int runs(boolean quick) {
        return Integer.getInteger("bench.runs", quick ? 3 : 5);
    }
}
