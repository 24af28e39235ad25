package dev.nitelog.e2e;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.Fault;
import dev.nitelog.simulator.FaultRates;
import dev.nitelog.simulator.Outcome;
import dev.nitelog.simulator.Route;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.simulator.SimulatorStats;
import dev.nitelog.testing.MetricsScrape;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogYaml;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.nitelog.e2e.DurabilityIT.allJobsEnded;
import static dev.nitelog.e2e.DurabilityIT.lines;
import static dev.nitelog.e2e.EndToEndIT.describeDifference;
import static dev.nitelog.e2e.EndToEndIT.served;
import static dev.nitelog.e2e.EndToEndIT.shipped;
import static dev.nitelog.e2e.EndToEndIT.total;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API chaos test: one nitelog process against the simulator with 50 jobs while 10 % of all
 * requests fail in six ways (connection reset, 429 with Retry-After, 503, malformed JSON, 401 token
 * expiry, a response stalled beyond the request timeout). In the end every line is in the file
 * sink exactly once, the process never exited or restarted, and nitelog's metrics account for
 * every injected fault. {@code -Dchaos.duration=} (default 3m) and {@code -Dchaos.seed=} re-run it.
 */
class ChaosIT {
    private static final int JOBS = 50;
    private static final double FAULT_RATE = 0.10;
    private static final double LINES_PER_SECOND = 8;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    /** Twice the timeout: the client has long given up when the answer would come. */
    private static final Duration STALL = REQUEST_TIMEOUT.multipliedBy(2);
    private static final Map<String, Set<Route>> ENDPOINTS = Map.of(
            "token", Set.of(Route.ACCESS_TOKEN),
            "jobs", Set.of(Route.LIST_JOBS, Route.FILTER_JOBS, Route.GET_JOB),
            "logs", Set.of(Route.LOGS));
    /** The client's outcome tag for each fault kind that it sees as one failed attempt. */
    private static final Map<Fault, String> ATTEMPT_OUTCOME = Map.of(
            Fault.RESET, "connection",
            Fault.TOO_MANY_REQUESTS, "429",
            Fault.UNAVAILABLE, "5xx",
            Fault.MALFORMED, "parse_error",
            Fault.STALL, "timeout");

    @Test
    void shipsEveryLineExactlyOnceAndAccountsForEveryFaultWithoutRestarting(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Duration duration = duration(System.getProperty("chaos.duration", "3m"));
        System.out.println("chaos test seed " + seed + ", duration " + duration
                + " (re-run with -Dchaos.seed=" + seed + " -Dchaos.duration=" + duration.toSeconds() + "s)");
        // Half the jobs run from the start; the other half start over the first half of the run.
        // Each lasts half the run, so lines are produced throughout it.
        int linesPerJob = (int) Math.max(50, LINES_PER_SECOND * duration.toSeconds() / 2 * 0.9);
        SimulatorOptions options = SimulatorOptions.builder().seed(seed).jobs(JOBS / 2).tasksPerJob(3)
                .linesPerJob(linesPerJob).linesPerSecond(LINES_PER_SECOND).cacheRenderedLogs(true).build();
        Path out = dir.resolve("out");
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir), Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            long began = System.nanoTime();
            nitelog.start().awaitStarted(Duration.ofMinutes(1));
            long pid = nitelog.pid();
            MetricsScrape baseline = warmUp(nitelog);
            sim.setFaults(chaos());

            runChaos(sim, nitelog, baseline, duration);
            await("every job ended and retired, every line shipped").atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> stillRunning(nitelog) && allJobsEnded(sim) && retired(nitelog, sim.jobIds().size())
                            && lines(out).size() >= total(served(sim)));
            // Faults off: the injected counts stop moving; nitelog's settle once its last stalled
            // request has timed out and a revoked token has been noticed.
            sim.setFaults(FaultRates.none());
            List<String> mismatches = new ArrayList<>();
            try {
                await("nitelog's metrics match the injected faults").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> mismatches(MetricsScrape.of(nitelog.httpPort()).since(baseline), sim.stats(),
                                mismatches));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("metrics do not match the injected faults: " + mismatches, e);
            }
            System.out.println(report(MetricsScrape.of(nitelog.httpPort()).since(baseline), sim.stats()));

            Map<String, Integer> served = served(sim);
            Map<String, Integer> shipped = shipped(lines(out));
            assertEquals(served, shipped, () -> "every line exactly once: " + describeDifference(served, shipped));
            assertTrue(nitelog.alive(), "nitelog still runs");
            assertEquals(pid, nitelog.pid(), "the same process throughout");
            assertEquals(1, nitelog.starts());
            System.out.printf("chaos test: %d lines of %d jobs in %d s, %d requests, %d faults injected%n",
                    total(served), sim.jobIds().size(), (System.nanoTime() - began) / 1_000_000_000L,
                    sim.stats().totalRequests(), injectedTotal(sim.stats()));
            assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)), "a clean exit on SIGTERM after the chaos");
        }
    }

    /**
     * Runs without faults until nitelog has polled the first jobs a few times, and returns the
     * metrics then: the baseline the faults are counted from. A JVM's first requests are slow (class
     * loading, no JIT) and on a busy machine may even time out; such a timeout is not an injected
     * fault, and is printed rather than counted.
     */
    private static MetricsScrape warmUp(NitelogProcess nitelog) throws IOException, InterruptedException {
        await("nitelog polls the first jobs").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> stillRunning(nitelog)
                        && MetricsScrape.of(nitelog.httpPort()).count("nitelog_polls_total", "outcome", "ok") >= JOBS);
        MetricsScrape baseline = MetricsScrape.of(nitelog.httpPort());
        long failed = 0;
        for (String endpoint : ENDPOINTS.keySet()) {
            failed += baseline.count("nitelog_api_requests_total", "endpoint", endpoint)
                    - baseline.count("nitelog_api_requests_total", "endpoint", endpoint, "outcome", "ok");
        }
        System.out.println("chaos test: warmed up without faults; failed attempts meanwhile (not counted): " + failed);
        return baseline;
    }

    /** 10 % of requests on every route, in equal parts over the six kinds. */
    private static FaultRates chaos() {
        double each = FAULT_RATE / 6;
        return FaultRates.none().withReset(each).withTooManyRequests(each, 1).withUnavailable(each)
                .withMalformed(each).withExpiredToken(each).withStall(each, STALL);
    }

    private static String config(ByteNiteSimulator sim, Path dir) {
        return NitelogYaml.against(sim, dir.resolve("state"))
                .set("bytenite", "request-timeout", REQUEST_TIMEOUT.toSeconds() + "s")
                .set("bytenite", "retry-backoff", "200ms")
                .set("bytenite", "retry-max-backoff", "5s")
                .set("jobs", "poll-interval", "1s")
                .set("jobs", "discovery-interval", "2s")
                .sinks("""
                            archive:
                              type: file
                              path: %s/out/all.log
                              max-size: 1G
                        """.formatted(dir))
                .build();
    }

    /** Adds the second half of the jobs over the first half of the run, checking nitelog stays up. */
    private static void runChaos(ByteNiteSimulator sim, NitelogProcess nitelog, MetricsScrape baseline,
                                 Duration duration) {
        long start = System.nanoTime();
        long spacing = duration.toNanos() / 2 / (JOBS - JOBS / 2);
        int[] added = {0};
        long[] nextCheck = {0};
        Set<String> excess = new java.util.HashSet<>();
        await("the chaos run").atMost(duration.plusMinutes(1)).pollInterval(Duration.ofMillis(250)).until(() -> {
            stillRunning(nitelog);
            long elapsed = System.nanoTime() - start;
            while (added[0] < JOBS - JOBS / 2 && elapsed >= added[0] * spacing) {
                sim.addGeneratedJob();
                added[0]++;
            }
            if (elapsed >= nextCheck[0]) {
                nextCheck[0] = elapsed + Duration.ofSeconds(5).toNanos();
                reportExcess(MetricsScrape.of(nitelog.httpPort()).since(baseline), sim.stats(), elapsed, excess);
            }
            return elapsed >= duration.toNanos();
        });
    }

    /**
     * Prints, once per endpoint and kind, when nitelog counted more failed attempts than were
     * injected: the moment a mismatch began, for diagnosis (fewer is normal while a stall is pending).
     */
    private static void reportExcess(MetricsScrape m, SimulatorStats s, long elapsedNanos, Set<String> seen) {
        ENDPOINTS.forEach((endpoint, routes) -> ATTEMPT_OUTCOME.forEach((fault, outcome) -> {
            long counted = m.count("nitelog_api_requests_total", "endpoint", endpoint, "outcome", outcome);
            long injected = s.faults(routes, fault);
            if (counted > injected && seen.add(endpoint + outcome)) {
                System.out.printf("chaos test: at %d s nitelog counted %d %s/%s attempts, %d %s injected%n",
                        elapsedNanos / 1_000_000_000L, counted, endpoint, outcome, injected, fault);
            }
        }));
    }

    private static boolean stillRunning(NitelogProcess nitelog) throws IOException {
        if (!nitelog.alive()) {
            throw new AssertionError("nitelog exited during the chaos run: " + nitelog.stderr());
        }
        return true;
    }

    private static boolean retired(NitelogProcess nitelog, int jobs) throws IOException, InterruptedException {
        MetricsScrape m = MetricsScrape.of(nitelog.httpPort());
        return m.count("nitelog_jobs", "state", "done") == jobs && m.count("nitelog_jobs", "state", "active") == 0
                && m.count("nitelog_jobs", "state", "draining") == 0 && m.count("nitelog_jobs", "state", "pending") == 0;
    }

    /**
     * Compares nitelog's metrics with the simulator's injected faults, filling {@code out} with
     * what differs; true when nothing does.
     *
     * <p>Exact, per endpoint: each injected reset, 429, 503, malformed body and stall is exactly one
     * failed attempt with the matching outcome ({@code nitelog_api_requests_total}), because the
     * client reports every attempt once and nothing else produces these answers here (the
     * simulator's own 500s are checked to be zero; the stall is twice the request timeout, and no
     * genuine response comes near the timeout on loopback).
     *
     * <p>All counts of nitelog's are since the faults were switched on ({@code m} is a difference).
     *
     * <p>Exact: access tokens obtained ({@code nitelog_token_renewals_total}) = tokens an injected
     * 401 revoked. The TTL (1 h) rules out scheduled renewals, and the client renews once
     * per refused token however many polls were refused with it. Bounded: injected 401s may exceed
     * revocations, since a 401 injected on a token already revoked revokes nothing.
     *
     * <p>Bounded, poll outcomes ({@code nitelog_polls_total}): a malformed {@code /logs} body fails
     * its poll (not retried), and so may a malformed token response a poll was waiting for; a poll
     * fails with 429, 5xx, connection or timeout only when all its attempts failed, the last one so,
     * which is at most one poll per injected fault of that kind on {@code /logs} or the token route
     * and usually none (1 + max-retries faults in a row); a poll fails with "auth" only on a 401
     * after renewal, at most the simulator's 401s.
     */
    static boolean mismatches(MetricsScrape m, SimulatorStats s, List<String> out) {
        out.clear();
        ENDPOINTS.forEach((endpoint, routes) -> ATTEMPT_OUTCOME.forEach((fault, outcome) -> expect(out,
                "api_requests{" + endpoint + "," + outcome + "} = injected " + fault,
                s.faults(routes, fault),
                m.count("nitelog_api_requests_total", "endpoint", endpoint, "outcome", outcome))));
        expect(out, "simulator 500s", 0, s.count(Outcome.INTERNAL_ERROR));
        expect(out, "token renewals = revoked tokens", s.revokedTokens(), m.count("nitelog_token_renewals_total"));
        atMost(out, "revoked tokens <= injected 401s", s.revokedTokens(), s.faults(Fault.EXPIRED_TOKEN));
        atLeast(out, "some tokens were revoked", s.revokedTokens(), 1);

        long malformedLogs = s.faults(Route.LOGS, Fault.MALFORMED);
        long malformedTokens = s.faults(Route.ACCESS_TOKEN, Fault.MALFORMED);
        long parseErrors = m.count("nitelog_polls_total", "outcome", "parse_error");
        atLeast(out, "polls{parse_error} >= malformed /logs bodies", parseErrors, malformedLogs);
        atMost(out, "polls{parse_error} <= malformed /logs and token bodies", parseErrors, malformedLogs + malformedTokens);
        for (Fault fault : List.of(Fault.RESET, Fault.TOO_MANY_REQUESTS, Fault.UNAVAILABLE, Fault.STALL)) {
            String outcome = ATTEMPT_OUTCOME.get(fault);
            atMost(out, "polls{" + outcome + "} <= injected " + fault + " on /logs and token",
                    m.count("nitelog_polls_total", "outcome", outcome),
                    s.faults(Set.of(Route.LOGS, Route.ACCESS_TOKEN), fault));
        }
        atMost(out, "polls{auth} <= 401s answered", m.count("nitelog_polls_total", "outcome", "auth"),
                s.count(Outcome.UNAUTHENTICATED));
        for (String never : List.of("4xx", "error", "circuit_open")) {
            expect(out, "polls{" + never + "}", 0, m.count("nitelog_polls_total", "outcome", never));
        }
        for (Fault fault : List.of(Fault.RESET, Fault.TOO_MANY_REQUESTS, Fault.UNAVAILABLE, Fault.MALFORMED,
                Fault.EXPIRED_TOKEN, Fault.STALL)) {
            atLeast(out, "injected some " + fault + " on /logs", s.faults(Route.LOGS, fault), 1);
        }
        return out.isEmpty();
    }

    private static void expect(List<String> out, String what, long expected, long actual) {
        if (expected != actual) {
            out.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    private static void atMost(List<String> out, String what, long value, long bound) {
        if (value > bound) {
            out.add(what + ": " + value + " > " + bound);
        }
    }

    private static void atLeast(List<String> out, String what, long value, long bound) {
        if (value < bound) {
            out.add(what + ": " + value + " < " + bound);
        }
    }

    private static long injectedTotal(SimulatorStats s) {
        long n = 0;
        for (Fault f : Fault.values()) {
            n += s.faults(f);
        }
        return n;
    }

    /** A table of what was injected per kind and what nitelog counted, for the test's output. */
    private static String report(MetricsScrape m, SimulatorStats s) {
        StringBuilder b = new StringBuilder("fault            injected(token/jobs/logs)  nitelog attempts(token/jobs/logs)  failed polls\n");
        for (Map.Entry<Fault, String> e : new java.util.TreeMap<>(ATTEMPT_OUTCOME).entrySet()) {
            b.append(String.format(Locale.ROOT, "%-17s %5d/%5d/%5d              %5d/%5d/%5d                 %5d%n",
                    e.getKey(), s.faults(ENDPOINTS.get("token"), e.getKey()), s.faults(ENDPOINTS.get("jobs"), e.getKey()),
                    s.faults(ENDPOINTS.get("logs"), e.getKey()),
                    m.count("nitelog_api_requests_total", "endpoint", "token", "outcome", e.getValue()),
                    m.count("nitelog_api_requests_total", "endpoint", "jobs", "outcome", e.getValue()),
                    m.count("nitelog_api_requests_total", "endpoint", "logs", "outcome", e.getValue()),
                    m.count("nitelog_polls_total", "outcome", e.getValue())));
        }
        b.append(String.format(Locale.ROOT, "%-17s %5d/%5d/%5d  revoked %d, token renewals %d, failed polls (auth) %d%n",
                Fault.EXPIRED_TOKEN, s.faults(ENDPOINTS.get("token"), Fault.EXPIRED_TOKEN),
                s.faults(ENDPOINTS.get("jobs"), Fault.EXPIRED_TOKEN), s.faults(ENDPOINTS.get("logs"), Fault.EXPIRED_TOKEN),
                s.revokedTokens(), m.count("nitelog_token_renewals_total"), m.count("nitelog_polls_total", "outcome", "auth")));
        b.append("polls ok ").append(m.count("nitelog_polls_total", "outcome", "ok"))
                .append(", retries ").append(m.count("nitelog_api_retries_total"))
                .append(" (Retry-After ").append(m.count("nitelog_api_retries_total", "retry_after", "true")).append(')');
        return b.toString();
    }

    /** {@code 3m}, {@code 90s}, {@code 500ms}, or ISO-8601 ({@code PT3M}). */
    static Duration duration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("pt")) {
            return Duration.parse(value.trim());
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("m")) {
            return Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
        }
        return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
    }
}
