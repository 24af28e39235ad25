package dev.nitelog.bytenite;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.record.JobRef;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client-wide politeness, against WireMock: one request rate over every job and endpoint, and
 * a 429 that holds back every job's requests. Assertions use the times WireMock received requests.
 */
@QuarkusTest
class ByteNiteThrottleTest {
    static final String TOKEN_PATH = "/v1/auth/access_token";
    static final String LOGS_PATH = "/v1/customer/logs";
    static final String BODY = """
            {"partitioner":[{"log":"started","timestamp":"2025-07-11T16:29:20.125431870Z","level":"INFO","container":"main"}]}
            """;

    static WireMockServer wireMock;

    final List<ByteNiteClient> clients = new ArrayList<>();
    final List<String> throttled = new CopyOnWriteArrayList<>();
    final List<String> retries = new CopyOnWriteArrayList<>();
    final ByteNiteListener listener = new ByteNiteListener() {
        @Override
        public void onRetry(ApiEndpoint endpoint, CallOutcome cause, Duration delay, boolean retryAfter) {
            retries.add(endpoint.tag() + ":" + cause.tag());
        }

        @Override
        public void onThrottled(ApiEndpoint endpoint, Duration waited, boolean retryAfter) {
            throttled.add(endpoint.tag() + ":" + (retryAfter ? "retry_after" : "rate_limit"));
        }
    };

    @BeforeAll
    static void startWireMock() throws Exception {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wireMock.stop();
    }

    @BeforeEach
    void reset() {
        wireMock.resetAll();
        wireMock.stubFor(post(TOKEN_PATH).willReturn(okJson("{\"token\":\"tok-1\",\"expiresIn\":3600}")));
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ByteNiteClient::close);
    }

    ByteNiteClient client(String... overrides) {
        Map<String, String> props = new HashMap<>(Map.of(
                "nitelog.bytenite.retry-backoff", "10ms",
                "nitelog.bytenite.retry-max-backoff", "5s",
                "nitelog.bytenite.max-retries", "3",
                "nitelog.bytenite.request-timeout", "10s",
                "nitelog.bytenite.circuit-breaker-window", "1000"));
        for (int i = 0; i < overrides.length; i += 2) {
            props.put(overrides[i], overrides[i + 1]);
        }
        NitelogConfig config = TestConfigs.config(props);
        ByteNiteEndpoints endpoints = new ByteNiteEndpoints(URI.create(wireMock.baseUrl() + "/v1/customer"),
                URI.create(wireMock.baseUrl() + "/v1/auth"), new ByteNiteEndpoints.ApiKey("key-1"));
        ByteNiteClient client = new ByteNiteClient(config.bytenite(), config.jobs(), endpoints, listener,
                Clock.systemUTC(), RetryBackoff.FULL_JITTER);
        clients.add(client);
        return client;
    }

    static JobRef job(String id) {
        return new JobRef(id, "job " + id);
    }

    static List<LoggedRequest> requestsFor(String jobId) {
        return wireMock.findAll(postRequestedFor(urlEqualTo(LOGS_PATH))
                .withRequestBody(matchingJsonPath("$.jobId", equalTo(jobId))));
    }

    static long millis(LoggedRequest request) {
        return request.getLoggedDate().getTime();
    }

    @Test
    void manyConcurrentPollsNeverExceedTheRequestRate() throws Exception {
        int rate = 10;
        wireMock.stubFor(post(LOGS_PATH).willReturn(okJson(BODY)));
        ByteNiteClient client = client("nitelog.bytenite.max-requests-per-second", String.valueOf(rate));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LogFetch>> polls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                JobRef job = job("j" + i);
                polls.add(pool.submit(() -> client.fetchLogs(job, LineFilter.KEEP_ALL)));
            }
            for (Future<LogFetch> poll : polls) {
                assertEquals(1, poll.get(60, TimeUnit.SECONDS).records().size());
            }
        } finally {
            pool.shutdownNow();
        }
        long[] at = wireMock.findAll(anyRequestedFor(anyUrl())).stream().mapToLong(ByteNiteThrottleTest::millis)
                .sorted().toArray();
        assertEquals(41, at.length, "40 polls and one token exchange");
        // a bucket of one second's worth: 10 at once, then 10 a second; 1 of slack for timestamps in ms
        for (long window : new long[]{1000, 2000}) {
            int allowed = rate + (int) (rate * window / 1000) + 1;
            int busiest = RequestThrottleTest.busiest(at, window);
            assertTrue(busiest <= allowed, busiest + " requests within " + window + " ms, at most " + allowed + " allowed");
        }
        long span = at[at.length - 1] - at[0];
        assertTrue(span >= (at.length - rate) * 1000L / rate - 50, "41 requests took only " + span + " ms");
        assertTrue(throttled.stream().allMatch(t -> t.endsWith("rate_limit")) && !throttled.isEmpty(), throttled.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503})
    void aRetryAfterOnOneJobsRequestHoldsBackAnotherJobsNextRequest(int status) throws Exception {
        wireMock.stubFor(post(LOGS_PATH).withRequestBody(matchingJsonPath("$.jobId", equalTo("b")))
                .willReturn(okJson(BODY)));
        wireMock.stubFor(post(LOGS_PATH).withRequestBody(matchingJsonPath("$.jobId", equalTo("a")))
                .inScenario("a").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(status).withHeader("Retry-After", "2")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":8,\"message\":\"slow down\",\"details\":[]}"))
                .willSetStateTo("served"));
        wireMock.stubFor(post(LOGS_PATH).withRequestBody(matchingJsonPath("$.jobId", equalTo("a")))
                .inScenario("a").whenScenarioStateIs("served").willReturn(okJson(BODY)));
        ByteNiteClient client = client("nitelog.bytenite.max-requests-per-second", "1000");
        client.fetchLogs(job("b"), LineFilter.KEEP_ALL); // the token is in hand: nothing else is sent below

        CompletableFuture<LogFetch> a = CompletableFuture.supplyAsync(() -> {
            try {
                return client.fetchLogs(job("a"), LineFilter.KEEP_ALL);
            } catch (ByteNiteException e) {
                throw new IllegalStateException(e);
            }
        });
        // the client has seen the 429 once it schedules job A's retry
        await().atMost(Duration.ofSeconds(10)).until(() -> !retries.isEmpty());
        assertFalse(a.isDone());
        client.fetchLogs(job("b"), LineFilter.KEEP_ALL);
        assertEquals(1, a.get(10, TimeUnit.SECONDS).records().size());

        long refused = millis(requestsFor("a").stream().min((x, y) -> Long.compare(millis(x), millis(y))).orElseThrow());
        List<LoggedRequest> bRequests = requestsFor("b");
        assertEquals(2, bRequests.size());
        long bNext = bRequests.stream().mapToLong(ByteNiteThrottleTest::millis).max().orElseThrow();
        assertTrue(bNext - refused >= 1990, "job b's request went out " + (bNext - refused)
                + " ms after job a's " + status + " with Retry-After: 2");
        assertTrue(throttled.contains("logs:retry_after"), throttled.toString());
    }

    @Test
    void aResponseLongerThanTheLimitIsCutAndTheClientCarriesOn() throws Exception {
        StringBuilder body = new StringBuilder("{\"taskrunner\":{\"t\":{\"logs\":[");
        for (int i = 0; i < 20_000; i++) { // about 2 MB
            body.append(i == 0 ? "" : ",").append("{\"log\":\"line ").append(i).append(" ").append("x".repeat(60))
                    .append("\",\"timestamp\":\"2026-01-01T00:00:").append(String.format("%02d.%06dZ", i / 1000, i % 1000))
                    .append("\",\"level\":\"INFO\",\"container\":\"\"}");
        }
        body.append("]}}}");
        wireMock.stubFor(post(LOGS_PATH).willReturn(okJson(body.toString())));
        ByteNiteClient client = client("nitelog.bytenite.max-response-bytes", "64K",
                "nitelog.bytenite.max-requests-per-second", "1000");
        LogFetch cut = client.fetchLogs(job("big"), LineFilter.KEEP_ALL);
        assertTrue(cut.truncated());
        assertEquals(64 * 1024, cut.responseBytes());
        assertTrue(cut.records().size() > 400 && cut.records().size() < 1000, "records: " + cut.records().size());
        // the connection is usable again: the next poll works
        LogFetch again = client.fetchLogs(job("big"), LineFilter.KEEP_ALL);
        assertEquals(cut.records(), again.records());
    }
}
