package dev.nitelog.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the simulator behaves. Start from {@link #defaults()} or {@link #builder()}.
 *
 * @param port              TCP port on 127.0.0.1; 0 picks a free one
 * @param jobs              generated jobs present at start
 * @param linesPerSecond    log lines each running generated job produces per second
 * @param tasksPerJob       task runners per generated job
 * @param linesPerJob       lines a generated job writes before it ends (roughly its duration)
 * @param failedFraction    fraction of generated jobs that end {@code JOB_STATE_FAILED}
 * @param timestamps        fractional digits of served timestamps
 * @param int64AsString     int64 fields as JSON strings (as the real API does) or numbers
 * @param unsetFields       how unset fields (timestamps not reached, empty log streams) appear
 * @param tokenTtl          lifetime of an access token
 * @param faults            injected faults at start; change them with {@link ByteNiteSimulator#setFaults}
 * @param seed              seed of every random choice (job ids, log content, faults)
 * @param maxPageSize       cap of {@code pagination.limit} on the job lists (also the default limit)
 * @param newJobEvery       add a generated job this often; zero never (the demo sets it)
 * @param cacheRenderedLogs keep the serialized {@code /logs} body of a job while it is unchanged,
 *                          so benchmarks measure the client, not the simulator
 * @param tick              interval of the log production clock
 * @param serverThreads     HTTP worker threads
 * @param apiKey            the valid API key; null generates one from the seed
 */
public record SimulatorOptions(
        int port,
        int jobs,
        double linesPerSecond,
        int tasksPerJob,
        int linesPerJob,
        double failedFraction,
        TimestampPrecision timestamps,
        boolean int64AsString,
        UnsetFields unsetFields,
        Duration tokenTtl,
        FaultRates faults,
        long seed,
        int maxPageSize,
        Duration newJobEvery,
        boolean cacheRenderedLogs,
        Duration tick,
        int serverThreads,
        String apiKey) {

    /** Fractional digits of served timestamps. */
    public enum TimestampPrecision {
        /** {@code 2025-07-11T16:29:20Z}. */
        SECONDS(0),
        /** {@code .125Z}. */
        MILLIS(3),
        /** {@code .125431Z}. */
        MICROS(6),
        /** {@code .125431870Z}, nonzero nanos as Loki stamps them. */
        NANOS(9),
        /** A random one of the above per line. */
        MIXED(-1);

        private final int digits;

        TimestampPrecision(int digits) {
            this.digits = digits;
        }

        /** 0, 3, 6 or 9; -1 for {@link #MIXED}. */
        public int digits() {
            return digits;
        }
    }

    /** How a field without a value appears. */
    public enum UnsetFields {
        /** Left out, as grpc-gateway v2 does by default. */
        ABSENT,
        /** Written as {@code null}, as observed in 2023. */
        NULL
    }

    /** Checks ranges. */
    public SimulatorOptions {
        require(port >= 0 && port <= 65535, "port", port);
        require(jobs >= 0, "jobs", jobs);
        require(linesPerSecond > 0, "linesPerSecond", linesPerSecond);
        require(tasksPerJob >= 1, "tasksPerJob", tasksPerJob);
        require(linesPerJob >= 1, "linesPerJob", linesPerJob);
        require(failedFraction >= 0 && failedFraction <= 1, "failedFraction", failedFraction);
        Objects.requireNonNull(timestamps, "timestamps");
        Objects.requireNonNull(unsetFields, "unsetFields");
        require(tokenTtl != null && !tokenTtl.isNegative() && !tokenTtl.isZero(), "tokenTtl", tokenTtl);
        Objects.requireNonNull(faults, "faults");
        require(maxPageSize >= 1, "maxPageSize", maxPageSize);
        require(newJobEvery != null && !newJobEvery.isNegative(), "newJobEvery", newJobEvery);
        require(tick != null && tick.toMillis() >= 1, "tick", tick);
        require(serverThreads >= 1, "serverThreads", serverThreads);
    }

    /** All defaults, with a fresh random seed. */
    public static SimulatorOptions defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults, with a fresh random seed. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        return "SimulatorOptions[port=" + port + ", jobs=" + jobs + ", linesPerSecond=" + linesPerSecond
                + ", tasksPerJob=" + tasksPerJob + ", linesPerJob=" + linesPerJob
                + ", failedFraction=" + failedFraction + ", timestamps=" + timestamps
                + ", int64AsString=" + int64AsString + ", unsetFields=" + unsetFields
                + ", tokenTtl=" + tokenTtl + ", faults=" + faults + ", seed=" + seed
                + ", maxPageSize=" + maxPageSize + ", newJobEvery=" + newJobEvery
                + ", cacheRenderedLogs=" + cacheRenderedLogs + ", tick=" + tick
                + ", serverThreads=" + serverThreads + ", apiKey=" + (apiKey == null ? "generated" : "****") + "]";
    }

    private static void require(boolean ok, String name, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("simulator option " + name + " out of range: " + value);
        }
    }

    /** Mutable builder of {@link SimulatorOptions}. */
    public static final class Builder {
        private int port;
        private int jobs = 3;
        private double linesPerSecond = 20;
        private int tasksPerJob = 4;
        private int linesPerJob = 400;
        private double failedFraction;
        private TimestampPrecision timestamps = TimestampPrecision.NANOS;
        private boolean int64AsString = true;
        private UnsetFields unsetFields = UnsetFields.ABSENT;
        private Duration tokenTtl = Duration.ofSeconds(3600);
        private FaultRates faults = FaultRates.none();
        private long seed = System.nanoTime() ^ Double.doubleToLongBits(Math.random());
        private int maxPageSize = 50;
        private Duration newJobEvery = Duration.ZERO;
        private boolean cacheRenderedLogs;
        private Duration tick = Duration.ofMillis(100);
        private int serverThreads = 8;
        private String apiKey;

        private Builder() {
        }

        private Builder(SimulatorOptions o) {
            port = o.port;
            jobs = o.jobs;
            linesPerSecond = o.linesPerSecond;
            tasksPerJob = o.tasksPerJob;
            linesPerJob = o.linesPerJob;
            failedFraction = o.failedFraction;
            timestamps = o.timestamps;
            int64AsString = o.int64AsString;
            unsetFields = o.unsetFields;
            tokenTtl = o.tokenTtl;
            faults = o.faults;
            seed = o.seed;
            maxPageSize = o.maxPageSize;
            newJobEvery = o.newJobEvery;
            cacheRenderedLogs = o.cacheRenderedLogs;
            tick = o.tick;
            serverThreads = o.serverThreads;
            apiKey = o.apiKey;
        }

        /** TCP port; 0 (default) picks a free one. */
        public Builder port(int v) { port = v; return this; }
        /** Generated jobs at start (default 3). */
        public Builder jobs(int v) { jobs = v; return this; }
        /** Lines per second per running job (default 20). */
        public Builder linesPerSecond(double v) { linesPerSecond = v; return this; }
        /** Task runners per job (default 4). */
        public Builder tasksPerJob(int v) { tasksPerJob = v; return this; }
        /** Lines before a generated job ends (default 400). */
        public Builder linesPerJob(int v) { linesPerJob = v; return this; }
        /** Fraction of generated jobs that fail (default 0). */
        public Builder failedFraction(double v) { failedFraction = v; return this; }
        /** Timestamp precision (default nanoseconds). */
        public Builder timestamps(TimestampPrecision v) { timestamps = v; return this; }
        /** int64 as JSON strings (default true). */
        public Builder int64AsString(boolean v) { int64AsString = v; return this; }
        /** Unset fields absent (default) or null. */
        public Builder unsetFields(UnsetFields v) { unsetFields = v; return this; }
        /** Access token lifetime (default 3600 s). */
        public Builder tokenTtl(Duration v) { tokenTtl = v; return this; }
        /** Faults at start (default none). */
        public Builder faults(FaultRates v) { faults = v; return this; }
        /** Random seed (default random). */
        public Builder seed(long v) { seed = v; return this; }
        /** Page size cap of the job lists (default 50). */
        public Builder maxPageSize(int v) { maxPageSize = v; return this; }
        /** Add a generated job this often; zero (default) never. */
        public Builder newJobEvery(Duration v) { newJobEvery = v; return this; }
        /** Cache serialized {@code /logs} bodies while unchanged (default false). */
        public Builder cacheRenderedLogs(boolean v) { cacheRenderedLogs = v; return this; }
        /** Log production clock interval (default 100 ms). */
        public Builder tick(Duration v) { tick = v; return this; }
        /** HTTP worker threads (default 8). */
        public Builder serverThreads(int v) { serverThreads = v; return this; }
        /** The valid API key; null (default) generates one. */
        public Builder apiKey(String v) { apiKey = v; return this; }

        /** The options; throws IllegalArgumentException naming a value out of range. */
        public SimulatorOptions build() {
            return new SimulatorOptions(port, jobs, linesPerSecond, tasksPerJob, linesPerJob, failedFraction,
                    timestamps, int64AsString, unsetFields, tokenTtl, faults, seed, maxPageSize, newJobEvery,
                    cacheRenderedLogs, tick, serverThreads, apiKey);
        }
    }
}
