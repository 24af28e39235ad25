package dev.nitelog.simulator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator standalone until interrupted, for benchmarks and manual runs. Options come
 * from {@code --name=value} arguments or {@code -Dsimulator.name=value} system properties
 * (arguments win); it prints {@code api-url}, {@code auth-url}, {@code api-key} and {@code seed},
 * one {@code key=value} per line, then {@code ready}.
 *
 * <p>Names: port, jobs, lines-per-second, tasks-per-job, lines-per-job, failed-fraction,
 * timestamps (0|3|6|9|mixed), int64 (string|number), unset (absent|null), token-ttl, seed,
 * max-page-size, new-job-every, cache (true|false), tick, threads, api-key, fault-reset,
 * fault-429, retry-after, fault-503, fault-malformed, fault-401 (token expiry), fault-stall,
 * stall-delay, fault-slow, slow-delay. Durations take
 * {@code 500ms}, {@code 10s}, {@code 2m} or plain seconds.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    /** Starts the simulator and waits for Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> opts = options(args);
        SimulatorOptions options;
        try {
            options = parse(opts);
        } catch (IllegalArgumentException e) {
            System.err.println("simulator: " + e.getMessage());
            System.exit(2);
            return;
        }
        ByteNiteSimulator sim = ByteNiteSimulator.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "bytenite-sim-shutdown"));
        System.out.println("api-url=" + sim.apiUrl());
        System.out.println("auth-url=" + sim.authUrl());
        System.out.println("api-key=" + sim.apiKey());
        System.out.println("seed=" + sim.seed());
        System.out.println("ready");
        System.out.flush();
        stopped.await();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("simulator.")) {
                out.put(key.substring("simulator.".length()), v.toString());
            }
        });
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            out.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return out;
    }

    static SimulatorOptions parse(Map<String, String> o) {
        Map<String, String> left = new HashMap<>(o);
        SimulatorOptions.Builder b = SimulatorOptions.builder();
        FaultRates faults = FaultRates.none();
        String v;
        if ((v = left.remove("port")) != null) b.port(Integer.parseInt(v));
        if ((v = left.remove("jobs")) != null) b.jobs(Integer.parseInt(v));
        if ((v = left.remove("lines-per-second")) != null) b.linesPerSecond(Double.parseDouble(v));
        if ((v = left.remove("tasks-per-job")) != null) b.tasksPerJob(Integer.parseInt(v));
        if ((v = left.remove("lines-per-job")) != null) b.linesPerJob(Integer.parseInt(v));
        if ((v = left.remove("failed-fraction")) != null) b.failedFraction(Double.parseDouble(v));
        if ((v = left.remove("timestamps")) != null) b.timestamps(precision(v));
        if ((v = left.remove("int64")) != null) b.int64AsString(!"number".equalsIgnoreCase(v));
        if ((v = left.remove("unset")) != null) {
            b.unsetFields(SimulatorOptions.UnsetFields.valueOf(v.toUpperCase(Locale.ROOT)));
        }
        if ((v = left.remove("token-ttl")) != null) b.tokenTtl(duration(v));
        if ((v = left.remove("seed")) != null) b.seed(Long.parseLong(v));
        if ((v = left.remove("max-page-size")) != null) b.maxPageSize(Integer.parseInt(v));
        if ((v = left.remove("new-job-every")) != null) b.newJobEvery(duration(v));
        if ((v = left.remove("cache")) != null) b.cacheRenderedLogs(Boolean.parseBoolean(v));
        if ((v = left.remove("tick")) != null) b.tick(duration(v));
        if ((v = left.remove("threads")) != null) b.serverThreads(Integer.parseInt(v));
        if ((v = left.remove("api-key")) != null) b.apiKey(v);
        if ((v = left.remove("fault-reset")) != null) faults = faults.withReset(Double.parseDouble(v));
        int retryAfter = (v = left.remove("retry-after")) != null ? Integer.parseInt(v) : 1;
        if ((v = left.remove("fault-429")) != null) {
            faults = faults.withTooManyRequests(Double.parseDouble(v), retryAfter);
        }
        if ((v = left.remove("fault-503")) != null) faults = faults.withUnavailable(Double.parseDouble(v));
        if ((v = left.remove("fault-malformed")) != null) faults = faults.withMalformed(Double.parseDouble(v));
        if ((v = left.remove("fault-401")) != null) faults = faults.withExpiredToken(Double.parseDouble(v));
        Duration stallDelay = (v = left.remove("stall-delay")) != null ? duration(v) : faults.stallDelay();
        if ((v = left.remove("fault-stall")) != null) faults = faults.withStall(Double.parseDouble(v), stallDelay);
        Duration slowDelay = (v = left.remove("slow-delay")) != null ? duration(v) : faults.slowDelay();
        if ((v = left.remove("fault-slow")) != null) faults = faults.withSlow(Double.parseDouble(v), slowDelay);
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + left.keySet() + "; see SimulatorMain's Javadoc");
        }
        return b.faults(faults).build();
    }

    static SimulatorOptions.TimestampPrecision precision(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "0" -> SimulatorOptions.TimestampPrecision.SECONDS;
            case "3" -> SimulatorOptions.TimestampPrecision.MILLIS;
            case "6" -> SimulatorOptions.TimestampPrecision.MICROS;
            case "9" -> SimulatorOptions.TimestampPrecision.NANOS;
            case "mixed" -> SimulatorOptions.TimestampPrecision.MIXED;
            default -> throw new IllegalArgumentException("timestamps must be 0, 3, 6, 9 or mixed, got '" + v + "'");
        };
    }

    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    }
}
