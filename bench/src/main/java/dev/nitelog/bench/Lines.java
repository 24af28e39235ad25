package dev.nitelog.bench;

import dev.nitelog.simulator.ScriptedLine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Log lines shaped like a training job's: task runner lines round-robin over the tasks, container
 * {@code main}, INFO, about 90 characters with a unique sequence number in the message.
 */
final class Lines {
    static final List<String> TASKS = List.of("9f0c1a7e-2b8d-4c1e-9a55-3d6f7b8e1c01",
            "9f0c1a7e-2b8d-4c1e-9a55-3d6f7b8e1c02", "9f0c1a7e-2b8d-4c1e-9a55-3d6f7b8e1c03",
            "9f0c1a7e-2b8d-4c1e-9a55-3d6f7b8e1c04");

    private Lines() {
    }

    /** {@code n} lines stamped {@code start + i * spacingNanos} (plus sub-microsecond digits). */
    static List<ScriptedLine> make(int n, Instant start, long spacingNanos, long firstSeq) {
        List<ScriptedLine> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = firstSeq + i;
            Instant t = start.plusNanos(i * spacingNanos + 1 + (seq * 7919) % 997);
            out.add(ScriptedLine.task(TASKS.get(i % TASKS.size()), t, "INFO", "main", message(seq)));
        }
        return out;
    }

    static String message(long seq) {
        return String.format(Locale.ROOT, "seq=%d epoch=%d step=%d loss=%.5f lr=0.000300 throughput=%.1f samples/s",
                seq, seq / 100_000, seq % 100_000, 1.0 / (1 + seq % 1000), 800 + seq % 97 / 3.0);
    }

    /** The sequence number in a message made by {@link #message}, or -1. */
    static long seqOf(String message) {
        if (!message.startsWith("seq=")) {
            return -1;
        }
        int end = message.indexOf(' ');
        return Long.parseLong(message, 4, end < 0 ? message.length() : end, 10);
    }
}
