package dev.nitelog.pipeline;

import dev.nitelog.simulator.FaultRates;
import dev.nitelog.simulator.Route;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import dev.nitelog.testing.MetricsScrape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The running daemon against the simulator: metrics and probes follow injected faults. */
@QuarkusTest
@QuarkusTestResource(SimulatorResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/q/health/ready")
    URI ready;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    @AfterEach
    void clearFaults() {
        SimulatorResource.simulator.setFaults(FaultRates.none());
    }

    double polls(String outcome) {
        var counter = registry.find("nitelog.polls").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    double counter(String name) {
        var counter = registry.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    @Order(1) // before the other tests inject faults
    void theFirstScrapeHasFailureCountersAtZeroAndFewBucketSeries() throws Exception {
        String text = body(metrics);
        MetricsScrape scrape = MetricsScrape.parse(text);
        for (String[] series : new String[][]{{"nitelog_sink_failures_total", "sink", "archive"},
                {"nitelog_sink_records_dead_lettered_total", "sink", "archive"}, {"nitelog_checkpoint_failures_total"},
                {"nitelog_polls_total", "outcome", "5xx"}, {"nitelog_responses_truncated_total"},
                {"nitelog_api_requests_total", "endpoint", "token", "outcome", "auth"}}) {
            String[] labels = java.util.Arrays.copyOfRange(series, 1, series.length);
            assertTrue(scrape.has(series[0], labels), series[0] + " is exported before it counts anything:\n" + text);
            assertEquals(0, scrape.sum(series[0], labels), series[0]);
        }
        for (String endpoint : new String[]{"token", "jobs", "logs"}) {
            assertEquals(1, scrape.sum("nitelog_api_circuit_state", "endpoint", endpoint, "state", "closed"), endpoint);
            assertEquals(0, scrape.sum("nitelog_api_circuit_state", "endpoint", endpoint, "state", "open"), endpoint);
        }
        assertTrue(scrape.has("nitelog_build_info"), "build info is exported");
        assertTrue(scrape.has("nitelog_sink_lag_seconds", "sink", "archive"), "lag per sink is exported");
        long buckets = text.lines().filter(l -> !l.startsWith("#") && l.contains("_bucket{")).count();
        assertTrue(buckets <= 100, buckets + " bucket series:\n" + text);
    }

    @Test
    void pollOutcomeMetricsMoveAsTheInjectedFaultsDictate() {
        await().atMost(Duration.ofSeconds(30)).until(() -> polls("ok") > 0);
        assertTrue(registry.get("nitelog.jobs").tag("state", "active").gauge().value() > 0, "jobs by state are gauged");

        double before429 = polls("429");
        SimulatorResource.simulator.setFaults(FaultRates.none().withTooManyRequests(1.0, 1).onlyOn(Route.LOGS));
        await().atMost(Duration.ofSeconds(30)).until(() -> polls("429") >= before429 + 3);

        double before5xx = polls("5xx");
        SimulatorResource.simulator.setFaults(FaultRates.none().withUnavailable(1.0).onlyOn(Route.LOGS));
        await().atMost(Duration.ofSeconds(30)).until(() -> polls("5xx") >= before5xx + 3);

        double beforeParse = polls("parse_error");
        SimulatorResource.simulator.setFaults(FaultRates.none().withMalformed(1.0).onlyOn(Route.LOGS));
        await().atMost(Duration.ofSeconds(30)).until(() -> polls("parse_error") >= beforeParse + 3);

        double beforeOk = polls("ok");
        SimulatorResource.simulator.setFaults(FaultRates.none());
        await().atMost(Duration.ofSeconds(30)).until(() -> polls("ok") >= beforeOk + 3);
        // read once no more malformed answers can come: read before switching the fault off, the count
        // missed an answer served in between, which nitelog then rightly counted
        double malformedFromSimulator = SimulatorResource.simulator.stats().count(dev.nitelog.simulator.Outcome.MALFORMED);
        assertTrue(polls("parse_error") <= malformedFromSimulator, "no parse error without a malformed answer");

        double renewals = counter("nitelog.token.renewals");
        SimulatorResource.simulator.expireTokens();
        await().atMost(Duration.ofSeconds(30)).until(() -> counter("nitelog.token.renewals") > renewals);
        assertTrue(registry.get("nitelog.records.fetched").counter().count() > 0);
    }

    @Test
    void readinessIsDownWhileASinkIsDownAndUpAfter() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> status(ready) == 200);
        Path out = SimulatorResource.dir.resolve("out");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(out));
        Path away = SimulatorResource.dir.resolve("out.away");
        Files.move(out, away);
        Files.writeString(out, "in the way");
        try {
            // down by its check at once, and by failing writes once the next batch hits the broken directory
            await().atMost(Duration.ofSeconds(30)).until(() -> status(ready) == 503 && body(ready).contains("sink:archive")
                    && registry.find("nitelog.sink.failures").tag("sink", "archive").counter() != null);
        } finally {
            Files.delete(out);
            Files.move(away, out);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> status(ready) == 200);
        String scrape = body(metrics);
        assertTrue(scrape.contains("nitelog_sink_failures_total{sink=\"archive\"}"), "sink failures are exported");
        assertTrue(scrape.contains("nitelog_sink_queue_capacity{sink=\"archive\"}"));
        assertTrue(scrape.contains("nitelog_sink_records_retried_total{sink=\"archive\"}"), "retried records are exported");
        assertTrue(scrape.contains("nitelog_lag_seconds"));
        assertTrue(!scrape.contains(SimulatorResource.simulator.jobIds().get(0)), "no job id as a label");
    }

    static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String body(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
