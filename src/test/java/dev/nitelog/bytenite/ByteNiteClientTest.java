package dev.nitelog.bytenite;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * WireMock contract tests of the HTTP client. A Quarkus boot is needed for the REST Client and
 * SmallRye Fault Tolerance, but each test builds its own client with its own config.
 */
@QuarkusTest
class ByteNiteClientTest {
    static final String API_KEY = "key-SECRET-6f1c2d";
    static final String TOKEN_1 = "tok-SECRET-AAAA1111";
    static final String TOKEN_2 = "tok-SECRET-BBBB2222";
    static final String TOKEN_PATH = "/v1/auth/access_token";
    static final String LOGS_PATH = "/v1/customer/logs";
    static final JobRef JOB = new JobRef("538f009e-312c-48d4-b842-0b57f6034fde", "img-gen");
    static final String LOGS_BODY = """
            {"partitioner":[{"log":"started","timestamp":"2025-07-11T16:29:20.125431870Z","level":"INFO","container":"main"}]}
            """;

    static WireMockServer wireMock;

    final List<ByteNiteClient> clients = new ArrayList<>();
    final RecordingListener listener = new RecordingListener();
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeAll
    static void startWireMock() throws Exception {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
        warmUp();
    }

    /**
     * The first request of a JVM loads many classes on the event loop, which on a loaded machine
     * takes seconds: make it once, patiently, so tests with short timeouts time only what they mean to.
     */
    static void warmUp() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogs(TOKEN_1);
        NitelogConfig config = TestConfigs.config(Map.of("nitelog.bytenite.request-timeout", "60s"));
        try (ByteNiteClient client = new ByteNiteClient(config.bytenite(), config.jobs(), new ByteNiteEndpoints(apiUri(),
                URI.create(wireMock.baseUrl() + "/v1/auth"), new ByteNiteEndpoints.ApiKey(API_KEY)),
                ByteNiteListener.NONE, Clock.systemUTC(), RetryBackoff.FULL_JITTER)) {
            client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        }
        wireMock.resetAll();
    }

    @AfterAll
    static void stopWireMock() {
        wireMock.stop();
    }

    @BeforeEach
    void reset() {
        wireMock.resetAll();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ByteNiteClient::close);
    }

    ByteNiteClient client(String... overrides) {
        return client(clock, apiUri(), overrides);
    }

    ByteNiteClient client(Clock clock, URI apiUri, String... overrides) {
        return client(clock, apiUri, new ByteNiteEndpoints.ApiKey(API_KEY), overrides);
    }

    ByteNiteClient client(Clock clock, URI apiUri, ByteNiteEndpoints.ApiKey apiKey, String... overrides) {
        Map<String, String> props = new HashMap<>(Map.of(
                "nitelog.bytenite.retry-backoff", "10ms",
                "nitelog.bytenite.retry-max-backoff", "200ms",
                "nitelog.bytenite.max-retries", "3",
                "nitelog.bytenite.request-timeout", "2s",
                "nitelog.bytenite.circuit-breaker-window", "1000",
                "nitelog.bytenite.max-requests-per-second", "1000")); // ByteNiteThrottleTest covers the limit
        for (int i = 0; i < overrides.length; i += 2) {
            props.put(overrides[i], overrides[i + 1]);
        }
        NitelogConfig config = TestConfigs.config(props);
        ByteNiteEndpoints endpoints = new ByteNiteEndpoints(apiUri,
                URI.create(wireMock.baseUrl() + "/v1/auth"), apiKey);
        ByteNiteClient client = new ByteNiteClient(config.bytenite(), config.jobs(), endpoints, listener, clock,
                RetryBackoff.FULL_JITTER);
        clients.add(client);
        assertNoSecret(client.toString());
        return client;
    }

    static URI apiUri() {
        return URI.create(wireMock.baseUrl() + "/v1/customer");
    }

    static void stubToken(String token, Object expiresIn) {
        String expires = expiresIn instanceof String s ? "\"" + s + "\"" : String.valueOf(expiresIn);
        wireMock.stubFor(post(TOKEN_PATH).withRequestBody(equalToJson("{\"apiKey\":\"" + API_KEY + "\"}"))
                .willReturn(okJson("{\"token\":\"" + token + "\",\"expiresIn\":" + expires + ",\"scope\":\"\"}")));
    }

    /** The token endpoint hands out TOKEN_1, then TOKEN_2 for every later exchange. */
    static void stubTwoTokens(Object expiresIn) {
        String expires = expiresIn instanceof String s ? "\"" + s + "\"" : String.valueOf(expiresIn);
        wireMock.stubFor(post(TOKEN_PATH).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"token\":\"" + TOKEN_1 + "\",\"expiresIn\":" + expires + "}"))
                .willSetStateTo("second"));
        wireMock.stubFor(post(TOKEN_PATH).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson("{\"token\":\"" + TOKEN_2 + "\",\"expiresIn\":" + expires + "}")));
    }

    static void stubLogs(String token) {
        wireMock.stubFor(post(LOGS_PATH).withHeader("Authorization", equalTo(token)).willReturn(okJson(LOGS_BODY)));
    }

    /** Responses to /logs in order; the last one repeats. */
    static void stubLogsSequence(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... responses) {
        for (int i = 0; i < responses.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "step" + i;
            var mapping = post(LOGS_PATH).inScenario("logs").whenScenarioStateIs(state).willReturn(responses[i]);
            if (i < responses.length - 1) {
                mapping = mapping.willSetStateTo("step" + (i + 1));
            }
            wireMock.stubFor(mapping);
        }
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder rpcError(int status, int code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":" + code + ",\"message\":\"" + message + "\",\"details\":[]}");
    }

    static int logsRequests() {
        return wireMock.findAll(postRequestedFor(urlEqualTo(LOGS_PATH))).size();
    }

    static int tokenRequests() {
        return wireMock.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH))).size();
    }

    static <T extends Throwable> T thrown(Class<T> type, Executable call) {
        T e = assertThrows(type, call);
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertNoSecret(String.valueOf(t.getMessage()));
            assertNoSecret(t.toString());
        }
        return e;
    }

    static void assertNoSecret(String text) {
        for (String secret : List.of(API_KEY, TOKEN_1, TOKEN_2, "SECRET")) {
            assertFalse(text.contains(secret), () -> "secret leaked into: " + text);
        }
    }

    // --- access token ---

    @Test
    void exchangesTheApiKeyAndSendsTheRawTokenByDefault() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogs(TOKEN_1);
        LogFetch fetch = client().fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(1, fetch.records().size());
        wireMock.verify(postRequestedFor(urlEqualTo(TOKEN_PATH))
                .withRequestBody(equalToJson("{\"apiKey\":\"" + API_KEY + "\"}")));
        wireMock.verify(postRequestedFor(urlEqualTo(LOGS_PATH)).withHeader("Authorization", equalTo(TOKEN_1))
                .withRequestBody(equalToJson("{\"jobId\":\"" + JOB.id() + "\",\"taskIds\":[],\"levels\":[],\"services\":[]}")));
    }

    @Test
    void sendsTheConfiguredFiltersWithTheLogsRequest() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogs(TOKEN_1);
        client("nitelog.jobs.task-ids", "t1,t2", "nitelog.jobs.levels", "ERROR,WARN",
                "nitelog.jobs.services", "TASKRUNNER").fetchLogs(JOB, LineFilter.KEEP_ALL);
        wireMock.verify(postRequestedFor(urlEqualTo(LOGS_PATH)).withRequestBody(equalToJson(
                "{\"jobId\":\"" + JOB.id() + "\",\"taskIds\":[\"t1\",\"t2\"],\"levels\":[\"ERROR\",\"WARN\"],"
                        + "\"services\":[\"TASKRUNNER\"]}")));
    }

    @Test
    void prefixesBearerWhenConfigured() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogs("Bearer " + TOKEN_1);
        client("nitelog.bytenite.token-prefix", "bearer").fetchLogs(JOB, LineFilter.KEEP_ALL);
        wireMock.verify(postRequestedFor(urlEqualTo(LOGS_PATH)).withHeader("Authorization", equalTo("Bearer " + TOKEN_1)));
    }

    @ParameterizedTest(name = "expiresIn as {0}")
    @ValueSource(strings = {"string", "number"})
    void renewsTheTokenTheConfiguredMarginBeforeItExpires(String form) throws Exception {
        stubTwoTokens(form.equals("string") ? "61" : 61);
        stubLogs(TOKEN_1);
        stubLogs(TOKEN_2);
        ByteNiteClient client = client("nitelog.bytenite.token-renew-before", "60s");
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        clock.advance(Duration.ofMillis(900)); // 61 s lifetime - 60 s margin: still fresh
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(1, tokenRequests());
        clock.advance(Duration.ofMillis(200));
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(2, tokenRequests());
        assertEquals(2, client.tokenRenewals());
        assertEquals(2, listener.renewals);
        List<LoggedRequest> logs = wireMock.findAll(postRequestedFor(urlEqualTo(LOGS_PATH)));
        assertEquals(List.of(TOKEN_1, TOKEN_1, TOKEN_2), logs.stream().map(r -> r.getHeader("Authorization")).toList());
    }

    @Test
    void renewsATokenShorterThanTheMarginHalfwayThrough() throws Exception {
        stubTwoTokens(30); // shorter than the 60 s margin: renew after 15 s, not on every call
        stubLogs(TOKEN_1);
        stubLogs(TOKEN_2);
        ByteNiteClient client = client();
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        clock.advance(Duration.ofSeconds(14));
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(1, tokenRequests());
        clock.advance(Duration.ofSeconds(2));
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(2, tokenRequests());
    }

    @Test
    void renewsOnceOn401AndRetriesTheRequest() throws Exception {
        stubTwoTokens("3600");
        wireMock.stubFor(post(LOGS_PATH).withHeader("Authorization", equalTo(TOKEN_1))
                .willReturn(rpcError(401, 16, "token expired")));
        stubLogs(TOKEN_2);
        ByteNiteClient client = client();
        assertEquals(1, client.fetchLogs(JOB, LineFilter.KEEP_ALL).records().size());
        assertEquals(2, tokenRequests());
        assertEquals(2, logsRequests());
        assertEquals(2, client.tokenRenewals());
    }

    @Test
    void readsARotatedKeyFileAgainAfterA401AndCarriesOnWithoutRestart(@TempDir java.nio.file.Path dir) throws Exception {
        String newKey = "key-SECRET-rotated-93b1";
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("api-key"), API_KEY + "\n");
        ByteNiteEndpoints.ApiKey key = ByteNiteEndpoints.ApiKey.fromFile("nitelog.bytenite.api-key-file=" + file,
                () -> dev.nitelog.config.Secrets.read("nitelog.bytenite.api-key-file", file.toString()));
        stubToken(TOKEN_1, "3600");
        stubLogs(TOKEN_1);
        ByteNiteClient client = client(clock, apiUri(), key);
        assertEquals(1, client.fetchLogs(JOB, LineFilter.KEEP_ALL).records().size());

        // the key is rotated at ByteNite: the old one and its tokens are refused from now on
        wireMock.resetAll();
        wireMock.stubFor(post(TOKEN_PATH).willReturn(rpcError(401, 16, "invalid api key")));
        wireMock.stubFor(post(TOKEN_PATH).withRequestBody(equalToJson("{\"apiKey\":\"" + newKey + "\"}"))
                .willReturn(okJson("{\"token\":\"" + TOKEN_2 + "\",\"expiresIn\":3600}")));
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(401, 16, "token revoked")));
        stubLogs(TOKEN_2);
        // while the file still holds the old key, polls fail as refused credentials
        thrown(AuthenticationException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));

        java.nio.file.Files.writeString(file, newKey + "\n"); // the mounted Secret is updated
        assertEquals(1, client.fetchLogs(JOB, LineFilter.KEEP_ALL).records().size());
        assertEquals(newKey, key.value());
        List<LoggedRequest> exchanges = wireMock.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
        assertTrue(exchanges.get(exchanges.size() - 1).getBodyAsString().contains(newKey),
                "the last exchange did not use the new key");
        assertEquals(1, client.fetchLogs(JOB, LineFilter.KEEP_ALL).records().size()); // and keeps working on the new token
    }

    @Test
    void aFixedKeyIsNotReadAgainAndARefusedExchangeFailsOnce() {
        wireMock.stubFor(post(TOKEN_PATH).willReturn(rpcError(401, 16, "invalid api key")));
        ByteNiteClient client = client();
        thrown(AuthenticationException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(1, tokenRequests());
    }

    @Test
    void failsAsAnAuthErrorWhenTheRenewedTokenIsRefusedToo() {
        stubTwoTokens("3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(401, 16, "bad token " + TOKEN_2)));
        ByteNiteClient client = client();
        AuthenticationException e = thrown(AuthenticationException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(401, e.httpStatus());
        assertEquals(16, e.grpcCode());
        assertTrue(e.getMessage().contains("401 UNAUTHENTICATED (code 16)"), e.getMessage());
        assertEquals(2, logsRequests());
        assertEquals(2, tokenRequests());
        assertTrue(listener.attempts.contains("logs:auth"), listener.attempts.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403})
    void failsAtOnceWhenTheApiKeyIsRefused(int status) {
        wireMock.stubFor(post(TOKEN_PATH).willReturn(rpcError(status, 16, "invalid api key " + API_KEY)));
        ByteNiteClient client = client();
        AuthenticationException e = thrown(AuthenticationException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(status, e.httpStatus());
        assertTrue(e.getMessage().contains("api-key"), e.getMessage());
        assertEquals(1, tokenRequests());
        assertEquals(0, logsRequests());
    }

    @Test
    void exchangesOneTokenForManyConcurrentPolls() throws Exception {
        wireMock.stubFor(post(TOKEN_PATH).willReturn(okJson("{\"token\":\"" + TOKEN_1 + "\",\"expiresIn\":\"3600\"}")
                .withFixedDelay(300)));
        stubLogs(TOKEN_1);
        ByteNiteClient client = client();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LogFetch>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit((Callable<LogFetch>) () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL)));
            }
            for (Future<LogFetch> result : results) {
                assertEquals(1, result.get().records().size());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, tokenRequests());
        assertEquals(8, logsRequests());
    }

    @Test
    void retriesTheTokenExchangeOn503() throws Exception {
        wireMock.stubFor(post(TOKEN_PATH).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(rpcError(503, 14, "auth down")).willSetStateTo("up"));
        wireMock.stubFor(post(TOKEN_PATH).inScenario("t").whenScenarioStateIs("up")
                .willReturn(okJson("{\"token\":\"" + TOKEN_1 + "\",\"expiresIn\":\"3600\"}")));
        stubLogs(TOKEN_1);
        client().fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(2, tokenRequests());
        assertEquals(List.of("token:5xx", "token:ok", "logs:ok"), listener.attempts);
    }

    // --- retries, errors ---

    @Test
    void honoursRetryAfterSecondsOn429() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogsSequence(rpcError(429, 8, "slow down").withHeader("Retry-After", "1"), okJson(LOGS_BODY));
        ByteNiteClient client = client("nitelog.bytenite.retry-max-backoff", "5s");
        assertEquals(1, client.fetchLogs(JOB, LineFilter.KEEP_ALL).records().size());
        assertEquals(List.of(Duration.ofSeconds(1)), listener.retryDelays);
        assertEquals(List.of("logs:429:retry-after"), listener.retries);
        assertEquals(List.of("token:ok", "logs:429", "logs:ok"), listener.attempts);
        assertGapAtLeast(Duration.ofSeconds(1));
    }

    @Test
    void honoursRetryAfterAsAnHttpDate() throws Exception {
        stubToken(TOKEN_1, "3600");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(1).atOffset(ZoneOffset.UTC));
        stubLogsSequence(rpcError(503, 14, "busy").withHeader("Retry-After", date), okJson(LOGS_BODY));
        client("nitelog.bytenite.retry-max-backoff", "5s").fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(List.of(Duration.ofSeconds(1)), listener.retryDelays);
        assertGapAtLeast(Duration.ofSeconds(1));
    }

    @Test
    void capsRetryAfterAtTheMaximumBackoff() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogsSequence(rpcError(429, 8, "come back in an hour").withHeader("Retry-After", "3600"), okJson(LOGS_BODY));
        client("nitelog.bytenite.retry-max-backoff", "300ms").fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(List.of(Duration.ofMillis(300)), listener.retryDelays);
        assertGapAtLeast(Duration.ofMillis(300));
    }

    /** The two /logs requests WireMock received were at least {@code gap} apart. */
    static void assertGapAtLeast(Duration gap) {
        List<LoggedRequest> requests = wireMock.findAll(postRequestedFor(urlEqualTo(LOGS_PATH)));
        assertEquals(2, requests.size());
        long millis = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertTrue(millis >= gap.toMillis(), "requests " + millis + " ms apart, expected at least " + gap);
    }

    @Test
    void retries503ThenSucceeds() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogsSequence(rpcError(503, 14, "unavailable"), rpcError(503, 14, "unavailable"), okJson(LOGS_BODY));
        assertEquals(1, client().fetchLogs(JOB, LineFilter.KEEP_ALL).records().size());
        assertEquals(3, logsRequests());
        assertEquals(List.of("token:ok", "logs:5xx", "logs:5xx", "logs:ok"), listener.attempts);
    }

    @Test
    void givesUpOn500AfterMaxRetriesNamingStatusCodeAndMessage() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(500, 13, "database on fire")));
        ByteNiteClient client = client("nitelog.bytenite.max-retries", "2");
        ByteNiteException e = thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(3, logsRequests());
        assertEquals(500, e.httpStatus());
        assertEquals(13, e.grpcCode());
        assertTrue(e.getMessage().startsWith("ByteNite POST /logs for job " + JOB.id()
                + " failed: 500 INTERNAL (code 13): database on fire"), e.getMessage());
        assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    }

    @Test
    void describesANonJsonErrorBodyByStatus() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                .withBody("<html><body>Bad Gateway</body></html>")));
        ByteNiteClient client = client("nitelog.bytenite.max-retries", "1");
        ByteNiteException e = thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(502, e.httpStatus());
        assertEquals(-1, e.grpcCode());
        assertTrue(e.getMessage().contains("failed: 502 (no rpcStatus body, content type text/html)"), e.getMessage());
        assertEquals(2, logsRequests());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 409})
    void doesNotRetryClientErrors(int status) {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(status, 3, "bad request")));
        ByteNiteClient client = client();
        ByteNiteException e = thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(status, e.httpStatus());
        assertFalse(e instanceof JobNotFoundException);
        assertEquals(1, logsRequests());
        assertTrue(listener.retries.isEmpty());
    }

    @Test
    void reportsAMissingJobOnLogsWithoutRetrying() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(404, 5, "job not found")));
        ByteNiteClient client = client();
        JobNotFoundException e = thrown(JobNotFoundException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(404, e.httpStatus());
        assertEquals(5, e.grpcCode());
        assertTrue(e.getMessage().contains(JOB.id()), e.getMessage());
        assertEquals(1, logsRequests());
    }

    @Test
    void reportsAMissingJobOnGetJob() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(get("/v1/customer/jobs/nope").willReturn(rpcError(404, 5, "job not found")));
        ByteNiteClient client = client();
        JobNotFoundException e = thrown(JobNotFoundException.class, () -> client.getJob("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        wireMock.verify(exactly(1), getRequestedFor(urlEqualTo("/v1/customer/jobs/nope")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"partitioner\":[{\"log\":\"cut", "<html><body>Welcome SECRET</body></html>",
            "[1,2,3]", "{\"taskrunner\":\"SECRET\"}"})
    void rejectsA200WhoseBodyIsNotLogs(String body) {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", body.startsWith("<") ? "text/html" : "application/json").withBody(body)));
        ByteNiteClient client = client();
        MalformedResponseException e = thrown(MalformedResponseException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertTrue(e.getMessage().contains(JOB.id()), e.getMessage());
        assertEquals(1, logsRequests());
        assertTrue(listener.attempts.contains("logs:parse_error"), listener.attempts.toString());
    }

    @Test
    void keepsTheRestOfTheResponseWhenOneEntryIsBad() throws Exception {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(okJson("""
                {"partitioner":[{"log":"a","timestamp":"2025-01-01T00:00:01Z"},
                                {"log":{"oops":1},"timestamp":"2025-01-01T00:00:02Z"},
                                {"log":"c","timestamp":"2025-01-01T00:00:03Z"}]}
                """)));
        LogFetch fetch = client().fetchLogs(JOB, LineFilter.below(Instant.parse("2025-01-01T00:00:01.5Z")));
        assertEquals(List.of("c"), fetch.records().stream().map(LogRecord::message).toList());
        assertEquals(1, fetch.malformedEntries());
        assertEquals(1, fetch.skipped());
        assertTrue(fetch.responseBytes() > 100);
    }

    @Test
    void retriesATimeoutThenSucceeds() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogsSequence(okJson(LOGS_BODY).withFixedDelay(4000), okJson(LOGS_BODY));
        ByteNiteClient client = client("nitelog.bytenite.request-timeout", "1s");
        assertEquals(1, client.fetchLogs(JOB, LineFilter.KEEP_ALL).records().size());
        assertEquals(List.of("token:ok", "logs:timeout", "logs:ok"), listener.attempts);
    }

    @Test
    void givesUpOnTimeoutsNamingTheTimeout() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(okJson(LOGS_BODY).withFixedDelay(4000)));
        ByteNiteClient client = client("nitelog.bytenite.request-timeout", "1s", "nitelog.bytenite.max-retries", "1");
        ByteNiteException e = thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(0, e.httpStatus());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(2, logsRequests());
    }

    @Test
    void timesOutABodyThatStallsHalfway() throws Exception {
        stubToken(TOKEN_1, "3600");
        String body = "{\"partitioner\":[" + "{\"log\":\"x\",\"timestamp\":\"2025-01-01T00:00:01Z\"},".repeat(200)
                + "{\"log\":\"y\",\"timestamp\":\"2025-01-01T00:00:01Z\"}]}";
        // the body's second half comes 5 s after the first: the request timeout bounds the silence
        stubLogsSequence(okJson(LOGS_BODY), okJson(body).withChunkedDribbleDelay(2, 10_000));
        ByteNiteClient client = client("nitelog.bytenite.request-timeout", "1s", "nitelog.bytenite.max-retries", "0");
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        long start = System.nanoTime();
        ByteNiteException e = thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(List.of("token:ok", "logs:ok", "logs:timeout"), listener.attempts);
        assertTrue(millis < 4500, "gave up after " + millis + " ms");
    }

    @Test
    void retriesAConnectionResetThenSucceeds() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubLogsSequence(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), okJson(LOGS_BODY));
        assertEquals(1, client().fetchLogs(JOB, LineFilter.KEEP_ALL).records().size());
        assertEquals(List.of("token:ok", "logs:connection", "logs:ok"), listener.attempts);
    }

    @Test
    void retriesAndReportsConnectionFailures() throws Exception {
        stubToken(TOKEN_1, "3600");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ByteNiteClient client = client(clock, URI.create("http://127.0.0.1:" + closedPort + "/v1/customer"),
                "nitelog.bytenite.max-retries", "2");
        ByteNiteException e = thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertEquals(0, e.httpStatus());
        assertTrue(e.getMessage().contains("connection failed"), e.getMessage());
        assertEquals(List.of("token:ok", "logs:connection", "logs:connection", "logs:connection"), listener.attempts);
    }

    @Test
    void opensTheCircuitAfterRepeatedFailuresAndFailsFast() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(503, 14, "down")));
        ByteNiteClient client = client("nitelog.bytenite.max-retries", "0", "nitelog.bytenite.circuit-breaker-window", "4",
                "nitelog.bytenite.circuit-breaker-delay", "1m");
        for (int i = 0; i < 4; i++) {
            thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        }
        assertTrue(client.circuitOpen());
        assertTrue(client.circuitOpen(ApiEndpoint.LOGS));
        assertFalse(client.circuitOpen(ApiEndpoint.JOBS));
        ByteNiteException e = thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        assertTrue(e.getMessage().contains("circuit is open"), e.getMessage());
        assertEquals(4, logsRequests());
        assertEquals(List.of("logs:open"), listener.circuits);
        assertTrue(listener.attempts.contains("logs:circuit_open"));
    }

    @Test
    void reportsEveryCircuitStateHalfOpenIncludedForTheStateGauge() throws Exception {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(503, 14, "down")));
        ByteNiteClient client = client("nitelog.bytenite.max-retries", "0", "nitelog.bytenite.circuit-breaker-window", "2",
                "nitelog.bytenite.circuit-breaker-delay", "200ms");
        for (int i = 0; i < 2; i++) {
            thrown(ByteNiteException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        }
        assertEquals(List.of("logs:open"), listener.circuitStates);
        wireMock.stubFor(post(LOGS_PATH).willReturn(okJson(LOGS_BODY)));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            try {
                client.fetchLogs(JOB, LineFilter.KEEP_ALL);
                return true;
            } catch (ByteNiteException e) {
                return false; // still open: the delay has not passed
            }
        });
        // the trial request after the delay closes it: window 2 needs two good ones
        client.fetchLogs(JOB, LineFilter.KEEP_ALL);
        assertEquals(List.of("logs:open", "logs:half_open", "logs:closed"), listener.circuitStates);
        assertEquals(List.of("logs:open", "logs:closed"), listener.circuits, "open and close are still reported once");
    }

    @Test
    void doesNotOpenTheCircuitOnNotFound() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(post(LOGS_PATH).willReturn(rpcError(404, 5, "gone")));
        ByteNiteClient client = client("nitelog.bytenite.circuit-breaker-window", "2");
        for (int i = 0; i < 4; i++) {
            thrown(JobNotFoundException.class, () -> client.fetchLogs(JOB, LineFilter.KEEP_ALL));
        }
        assertFalse(client.circuitOpen());
    }

    // --- jobs ---

    @Test
    void pagesThroughJobsUntilHasNextIsFalse() throws Exception {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(get(urlPathEqualTo("/v1/customer/jobs")).withQueryParam("pagination.offset", equalTo("0"))
                .withQueryParam("pagination.limit", equalTo("2")).willReturn(okJson("""
                        {"pagination":{"total":"3","offset":"0","hasPrevious":false,"hasNext":true},
                         "data":[{"id":"j1","name":"first","state":"JOB_STATE_RUNNING","duration":"302","numChunks":12},
                                 {"id":"j2","name":null,"state":"JOB_STATE_COMPLETE","endedAt":"2025-05-01T20:38:12.930Z",
                                  "config":{"taskTimeout":"3600","isTestJob":false},"futureField":{"x":[1]}}]}
                        """)));
        wireMock.stubFor(get(urlPathEqualTo("/v1/customer/jobs")).withQueryParam("pagination.offset", equalTo("2"))
                .willReturn(okJson("""
                        {"pagination":{"total":3,"offset":2,"hasPrevious":true,"hasNext":false},
                         "data":[{"id":"j3","state":"JOB_STATE_NEW","paymentAmount":19,"endedAt":null}]}
                        """)));
        List<JobStatus> jobs = client("nitelog.jobs.discovery-page-size", "2").listJobs();
        assertEquals(List.of(
                new JobStatus(new JobRef("j1", "first"), "JOB_STATE_RUNNING", JobPhase.ACTIVE, null),
                new JobStatus(new JobRef("j2", "j2"), "JOB_STATE_COMPLETE", JobPhase.TERMINAL,
                        Instant.parse("2025-05-01T20:38:12.930Z")),
                new JobStatus(new JobRef("j3", "j3"), "JOB_STATE_NEW", JobPhase.PENDING, null)), jobs);
        assertEquals(2, wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customer/jobs"))).size());
        wireMock.verify(getRequestedFor(urlPathEqualTo("/v1/customer/jobs")).withHeader("Authorization", equalTo(TOKEN_1)));
    }

    /** Pages of one job each, newest first as asked; j3 is the oldest. */
    private static void stubNewestFirst(String... createdAt) {
        for (int i = 0; i < createdAt.length; i++) {
            wireMock.stubFor(get(urlPathEqualTo("/v1/customer/jobs")).withQueryParam("pagination.offset", equalTo(String.valueOf(i)))
                    .willReturn(okJson("{\"pagination\":{\"hasNext\":" + (i + 1 < createdAt.length) + "},\"data\":[{\"id\":\"j"
                            + (i + 1) + "\",\"state\":\"JOB_STATE_COMPLETE\",\"createdAt\":\"" + createdAt[i] + "\"}]}")));
        }
    }

    @Test
    void asksForTheNewestJobsFirstAndStopsPagingOnceTheCallerHasSeenEnough() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubNewestFirst("2026-03-03T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z");
        ByteNiteClient client = client("nitelog.jobs.discovery-page-size", "1");

        List<JobStatus> jobs = client.listJobs(listed -> listed.stream().anyMatch(j -> j.job().id().equals("j2")));

        assertEquals(List.of("j1", "j2"), jobs.stream().map(j -> j.job().id()).toList());
        assertEquals(2, wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customer/jobs"))
                .withQueryParam("orderBy", equalTo("createdAt desc"))).size(), "only the pages needed, newest first");
        assertEquals(List.of("j1"), client.listNewestJobs().stream().map(j -> j.job().id()).toList());
    }

    @Test
    void pagesThroughEverythingWhenTheApiIgnoresTheOrder() throws Exception {
        stubToken(TOKEN_1, "3600");
        stubNewestFirst("2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"); // oldest first
        ByteNiteClient client = client("nitelog.jobs.discovery-page-size", "1");

        List<JobStatus> jobs = client.listJobs(listed -> true);

        assertEquals(3, jobs.size(), "a listing in another order cannot stop early: newer jobs may come last");
        assertEquals(List.of(), client.listNewestJobs(), "and there is no newest page to ask for");
    }

    @Test
    void stopsPagingAtAnEmptyPageEvenIfTheServerSaysThereIsMore() throws Exception {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(get(urlPathEqualTo("/v1/customer/jobs")).withQueryParam("pagination.offset", equalTo("0"))
                .willReturn(okJson("{\"pagination\":{\"hasNext\":true},\"data\":[{\"id\":\"j1\"}]}")));
        wireMock.stubFor(get(urlPathEqualTo("/v1/customer/jobs")).withQueryParam("pagination.offset", equalTo("1"))
                .willReturn(okJson("{\"pagination\":{\"hasNext\":true},\"data\":[]}")));
        List<JobStatus> jobs = client().listJobs();
        assertEquals(1, jobs.size());
        assertEquals(JobPhase.ACTIVE, jobs.get(0).phase());
        assertEquals("", jobs.get(0).state());
        assertEquals(2, wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customer/jobs"))).size());
    }

    @Test
    void skipsUnusableJobsAndTreatsMissingPaginationAsTheLastPage() throws Exception {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(get(urlPathEqualTo("/v1/customer/jobs")).willReturn(okJson("""
                {"data":[{"name":"no id"},{"id":"j1","name":{"not":"a string"}},"not an object",{"id":"j2","state":"JOB_STATE_WEIRD"},
                         {"id":"j2","state":"JOB_STATE_WEIRD"}]}
                """)));
        List<JobStatus> jobs = client().listJobs();
        assertEquals(List.of(new JobStatus(new JobRef("j2", "j2"), "JOB_STATE_WEIRD", JobPhase.ACTIVE, null)), jobs);
    }

    @Test
    void getsOneJobFromItsEnvelope() throws Exception {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(get("/v1/customer/jobs/j9").willReturn(okJson("""
                {"job":{"id":"j9","name":"nine","state":"JOB_STATE_ABORTED","duration":302,"paymentAmount":"19"},
                 "templateInfo":{"id":"t"}}
                """)));
        assertEquals(new JobStatus(new JobRef("j9", "nine"), "JOB_STATE_ABORTED", JobPhase.TERMINAL, null),
                client().getJob("j9"));
    }

    @Test
    void rejectsAJobResponseWithoutAJob() {
        stubToken(TOKEN_1, "3600");
        wireMock.stubFor(get("/v1/customer/jobs/j9").willReturn(okJson("{\"job\":null}")));
        ByteNiteClient client = client();
        thrown(MalformedResponseException.class, () -> client.getJob("j9"));
        wireMock.stubFor(get("/v1/customer/jobs/j9").willReturn(aResponse().withStatus(200).withBody("<html>")));
        thrown(MalformedResponseException.class, () -> client.getJob("j9"));
    }

    @Test
    void neverPrintsSecrets() {
        ByteNiteEndpoints endpoints = new ByteNiteEndpoints(apiUri(), apiUri(), new ByteNiteEndpoints.ApiKey(API_KEY));
        assertNoSecret(endpoints.toString());
        assertNoSecret(new AccessTokens.Token(TOKEN_1, TOKEN_1, Instant.EPOCH).toString());
        assertNoSecret(new Wire.TokenRequest(API_KEY).toString());
        assertNoSecret(new Wire.TokenResponse(TOKEN_1, 3600L, "").toString());
        if (API_KEY.isEmpty()) {
            fail();
        }
    }
}
