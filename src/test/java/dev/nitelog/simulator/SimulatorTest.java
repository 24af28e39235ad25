package dev.nitelog.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorTest {

    private static final Instant T0 = Instant.parse("2025-07-11T16:29:20.125431870Z");

    private ByteNiteSimulator sim;
    private SimClient client;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    /** Randomized runs print their seed; re-run one with -Dnitelog.simulator.seed=N. */
    private static long seed() {
        long seed = Long.getLong("nitelog.simulator.seed", System.nanoTime());
        System.out.println("simulator test seed: " + seed);
        return seed;
    }

    private void start(SimulatorOptions.Builder options) {
        sim = ByteNiteSimulator.start(options.build());
        client = new SimClient(sim);
    }

    private void startQuiet() {
        start(SimulatorOptions.builder().jobs(0).seed(1));
    }

    private String scriptedJob() {
        return sim.addJob("scripted", List.of(
                ScriptedLine.partitioner(T0, "Partitioner task started"),
                ScriptedLine.task("task-a", T0.plusMillis(10), "DEBUG", "main", "task data downloaded"),
                ScriptedLine.task("task-a", T0.plusMillis(20), "UNKNOWN", "", "Python task started"),
                ScriptedLine.task("task-b", T0.plusMillis(30), "ERROR", "main", "container exited with non-zero exit code 1"),
                ScriptedLine.task("task-b", T0.plusMillis(40), "WARN", "main", "task memory usage at 91% of limit"),
                ScriptedLine.assembler(T0.plusMillis(50), "Assembler task started")));
    }

    @Test
    void issuesTokenWithStringExpiresInForTheValidKey() throws Exception {
        startQuiet();
        HttpResponse<String> r = client.requestToken(sim.apiKey());
        assertEquals(200, r.statusCode());
        JsonNode body = SimClient.json(r);
        assertEquals(3, body.get("token").asText().split("\\.").length, "JWT-looking token");
        assertTrue(body.get("expiresIn").isTextual());
        assertEquals("3600", body.get("expiresIn").asText());
        assertEquals("", body.get("scope").asText());
    }

    @Test
    void rejectsWrongApiKeyWith401Code16() throws Exception {
        startQuiet();
        HttpResponse<String> r = client.requestToken("not-the-key");
        assertEquals(401, r.statusCode());
        assertRpcStatus(r, 16);
        assertEquals(1, sim.stats().count(Outcome.UNAUTHENTICATED));
    }

    @Test
    void acceptsRawAndBearerTokensAndRejectsMissingOnes() throws Exception {
        startQuiet();
        String token = client.token();
        var base = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.apiUrl() + "/jobs"));
        assertEquals(200, client.send(base.copy().header("Authorization", token)).statusCode());
        assertEquals(200, client.send(base.copy().header("Authorization", "Bearer " + token)).statusCode());
        HttpResponse<String> missing = client.send(base.copy());
        assertEquals(401, missing.statusCode());
        assertRpcStatus(missing, 16);
    }

    @Test
    void rejectsExpiredTokensWith401Code16UntilANewOneIsIssued() throws Exception {
        startQuiet();
        assertEquals(200, client.get("/jobs").statusCode());
        sim.expireTokens();
        HttpResponse<String> r = client.get("/jobs");
        assertEquals(401, r.statusCode());
        assertRpcStatus(r, 16);
        assertFalse(r.body().contains(client.token()), "the token never appears in an error");
        SimClient fresh = new SimClient(sim);
        assertEquals(200, fresh.get("/jobs").statusCode());
    }

    @Test
    void shortTokenTtlExpiresTokens() throws Exception {
        start(SimulatorOptions.builder().jobs(0).seed(1).tokenTtl(Duration.ofMillis(300)));
        assertEquals("1", SimClient.json(client.requestToken(sim.apiKey())).get("expiresIn").asText());
        assertEquals(200, client.get("/jobs").statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/jobs").statusCode() == 401);
    }

    @Test
    void pagesJobsWithHasNextAndNoLimitField() throws Exception {
        start(SimulatorOptions.builder().jobs(5).seed(seed()).linesPerSecond(1));
        List<String> seen = new ArrayList<>();
        JsonNode first = SimClient.json(client.get("/jobs?pagination.limit=2&pagination.offset=0"));
        JsonNode p = first.get("pagination");
        assertEquals("5", p.get("total").asText());
        assertTrue(p.get("total").isTextual(), "int64 as string");
        assertEquals("0", p.get("offset").asText());
        assertFalse(p.get("hasPrevious").asBoolean());
        assertTrue(p.get("hasNext").asBoolean());
        assertFalse(p.has("limit"));
        int offset = 0;
        JsonNode page = first;
        while (true) {
            page.get("data").forEach(j -> seen.add(j.get("id").asText()));
            if (!page.get("pagination").get("hasNext").asBoolean()) {
                break;
            }
            offset += 2;
            page = SimClient.json(client.get("/jobs?pagination.limit=2&pagination.offset=" + offset));
            assertTrue(page.get("pagination").get("hasPrevious").asBoolean());
        }
        assertEquals(sim.jobIds(), seen);
    }

    @Test
    void capsPageSizeAndOrdersByCreatedAtDescending() throws Exception {
        start(SimulatorOptions.builder().jobs(5).seed(seed()).linesPerSecond(1).maxPageSize(3));
        JsonNode page = SimClient.json(client.get("/jobs?pagination.limit=100"));
        assertEquals(3, page.get("data").size());
        assertTrue(page.get("pagination").get("hasNext").asBoolean());
        JsonNode desc = SimClient.json(client.get("/jobs?orderBy=createdAt%20desc&pagination.limit=1"));
        List<String> ids = sim.jobIds();
        assertEquals(ids.get(ids.size() - 1), desc.get("data").get(0).get("id").asText());
        assertEquals(400, client.get("/jobs?orderBy=colour").statusCode());
    }

    @Test
    void filtersJobsByStateWithStringValueAny() throws Exception {
        startQuiet();
        String a = scriptedJob();
        String b = scriptedJob();
        sim.completeJob(b);
        String body = "{\"pagination\":{\"limit\":\"50\",\"offset\":\"0\"},\"filters\":[{\"field\":\"state\","
                + "\"condition\":\"FILTER_CONDITION_EQ\",\"value\":{\"@type\":"
                + "\"type.googleapis.com/google.protobuf.StringValue\",\"value\":\"JOB_STATE_COMPLETE\"}}],"
                + "\"orderBy\":\"createdAt\"}";
        JsonNode r = SimClient.json(client.post("/jobs/filter", body));
        assertEquals("1", r.get("pagination").get("total").asText());
        assertEquals(b, r.get("data").get(0).get("id").asText());
        assertNotEquals(a, b);
        assertEquals(400, client.post("/jobs/filter", "{\"filters\":[{\"field\":\"name\","
                + "\"condition\":\"FILTER_CONDITION_EQ\",\"value\":\"x\"}]}").statusCode());
    }

    @Test
    void unknownJobIs404Code5OnJobAndLogs() throws Exception {
        startQuiet();
        HttpResponse<String> job = client.get("/jobs/00000000-0000-4000-8000-000000000000");
        assertEquals(404, job.statusCode());
        assertRpcStatus(job, 5);
        assertEquals("job not found", SimClient.json(job).get("message").asText());
        HttpResponse<String> logs = client.logs("00000000-0000-4000-8000-000000000000");
        assertEquals(404, logs.statusCode());
        assertRpcStatus(logs, 5);
    }

    @Test
    void logsWithoutJobIdIs400Code3() throws Exception {
        startQuiet();
        HttpResponse<String> r = client.post("/logs", "{\"taskIds\":[]}");
        assertEquals(400, r.statusCode());
        assertRpcStatus(r, 3);
        assertEquals(400, client.post("/logs", "not json").statusCode());
        assertEquals(400, client.post("/logs", "{\"jobId\":\"x\",\"levels\":[\"LOUD\"]}").statusCode());
    }

    @Test
    void getJobReturnsJobAndTemplateInfo() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(1));
        String id = sim.jobIds().get(0);
        JsonNode r = SimClient.json(client.get("/jobs/" + id));
        JsonNode job = r.get("job");
        assertEquals(id, job.get("id").asText());
        assertEquals("3600", job.get("config").get("taskTimeout").asText());
        assertEquals("4", job.get("numChunks").asText());
        assertTrue(job.get("stateTimestamps").has("JOB_STATE_NEW"));
        assertFalse(job.has("endedAt"), "unset fields are absent by default");
        assertEquals(job.get("templateId").asText(), r.get("templateInfo").get("id").asText());
    }

    @Test
    void logsGrowAndEachResponseIsASupersetOfThePrevious() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(200).linesPerJob(5_000));
        String id = sim.jobIds().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.logLines(id).size() >= 20);
        List<SimClient.Got> before = client.logLines(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.logLines(id).size() > before.size() + 20);
        List<SimClient.Got> after = client.logLines(id);
        Map<SimClient.Got, Long> b = counts(before, Function.identity());
        Map<SimClient.Got, Long> a = counts(after, Function.identity());
        b.forEach((line, n) -> assertTrue(a.getOrDefault(line, 0L) >= n, "still served: " + line));
    }

    @Test
    void filtersLogsByServiceLevelAndTask() throws Exception {
        startQuiet();
        String id = scriptedJob();
        List<SimClient.Got> all = client.logLines(id);
        assertEquals(6, all.size());
        JsonNode onlyPartitioner = SimClient.json(client.post("/logs",
                "{\"jobId\":\"" + id + "\",\"services\":[\"PARTITIONER\"]}"));
        assertEquals(1, SimClient.flatten(onlyPartitioner).size());
        assertFalse(onlyPartitioner.has("assembler"));
        assertFalse(onlyPartitioner.has("taskrunner"));
        List<SimClient.Got> errors = SimClient.flatten(SimClient.json(client.post("/logs",
                "{\"jobId\":\"" + id + "\",\"levels\":[\"ERROR\",\"WARN\"]}")));
        assertEquals(2, errors.size());
        assertTrue(errors.stream().allMatch(g -> "task-b".equals(g.taskId())));
        List<SimClient.Got> taskA = SimClient.flatten(SimClient.json(client.post("/logs",
                "{\"jobId\":\"" + id + "\",\"taskIds\":[\"task-a\"],\"services\":[\"TASKRUNNER\"]}")));
        assertEquals(2, taskA.size());
        assertTrue(taskA.stream().allMatch(g -> "task-a".equals(g.taskId())));
    }

    @Test
    void insertsLateScriptedLinesByTimestampNotAtTheEnd() throws Exception {
        startQuiet();
        String id = scriptedJob();
        sim.appendLines(id, List.of(ScriptedLine.task("task-a", T0.plusMillis(15), "INFO", "main", "late line")));
        List<SimClient.Got> taskA = client.logLines(id).stream().filter(g -> "task-a".equals(g.taskId())).toList();
        assertEquals(List.of("task data downloaded", "late line", "Python task started"),
                taskA.stream().map(SimClient.Got::log).toList());
        List<ServedLine> served = sim.servedLines(id);
        assertEquals("late line", served.get(served.size() - 1).message(), "served lines keep visibility order");
    }

    @Test
    void injects429WithRetryAfterAtRateOne() throws Exception {
        startQuiet();
        client.token();
        sim.setFaults(FaultRates.none().withTooManyRequests(1.0, 7));
        HttpResponse<String> r = client.get("/jobs");
        assertEquals(429, r.statusCode());
        assertEquals("7", r.headers().firstValue("Retry-After").orElseThrow());
        assertRpcStatus(r, 8);
        assertEquals(1, sim.stats().count(Outcome.TOO_MANY_REQUESTS));
    }

    @Test
    void injects503AtRateOne() throws Exception {
        startQuiet();
        client.token();
        sim.setFaults(FaultRates.none().withUnavailable(1.0));
        HttpResponse<String> r = client.get("/jobs");
        assertEquals(503, r.statusCode());
        assertRpcStatus(r, 14);
        assertEquals(1, sim.stats().count(Outcome.UNAVAILABLE));
    }

    @Test
    void injectsMalformedJsonWithStatus200() throws Exception {
        startQuiet();
        String id = scriptedJob();
        client.token();
        sim.setFaults(FaultRates.none().withMalformed(1.0).onlyOn(Route.LOGS));
        HttpResponse<String> r = client.logs(id);
        assertEquals(200, r.statusCode());
        assertThrows(IOException.class, () -> SimClient.json(r));
        assertEquals(200, client.get("/jobs").statusCode(), "other routes are spared");
        assertEquals(1, sim.stats().count(Outcome.MALFORMED));
    }

    @Test
    void injectsConnectionResetWithoutResponse() throws Exception {
        startQuiet();
        String id = scriptedJob();
        client.token();
        sim.setFaults(FaultRates.none().withReset(1.0));
        assertThrows(IOException.class, () -> client.logs(id));
        assertTrue(sim.stats().count(Outcome.RESET) >= 1);
        sim.setFaults(FaultRates.none());
        assertEquals(200, client.logs(id).statusCode());
    }

    @Test
    void injectsSlowResponsesThatStillAnswer() throws Exception {
        startQuiet();
        client.token();
        sim.setFaults(FaultRates.none().withSlow(1.0, Duration.ofMillis(300)));
        long start = System.nanoTime();
        assertEquals(200, client.get("/jobs").statusCode());
        assertTrue(System.nanoTime() - start >= 290_000_000L, "delayed");
        SimulatorStats stats = sim.stats();
        assertEquals(1, stats.count(Outcome.SLOW));
        assertEquals(2, stats.count(Outcome.OK), "token and the slow list");
        assertEquals(1, stats.requests(Route.LIST_JOBS));
    }

    @Test
    void injectedTokenExpiryRevokesThePresentedTokenUntilANewOneIsIssued() throws Exception {
        startQuiet();
        assertEquals(200, client.get("/jobs").statusCode());
        sim.setFaults(FaultRates.none().withExpiredToken(1.0).onlyOn(Route.LIST_JOBS));
        HttpResponse<String> r = client.get("/jobs");
        assertEquals(401, r.statusCode());
        assertRpcStatus(r, 16);
        sim.setFaults(FaultRates.none());
        assertEquals(401, client.get("/jobs").statusCode(), "the token stays revoked without any fault");
        assertEquals(200, new SimClient(sim).get("/jobs").statusCode(), "a new token works");
        SimulatorStats stats = sim.stats();
        assertEquals(1, stats.faults(Route.LIST_JOBS, Fault.EXPIRED_TOKEN));
        assertEquals(1, stats.revokedTokens());
        assertEquals(2, stats.count(Outcome.UNAUTHENTICATED), "the injected 401 and the genuine one after it");
    }

    @Test
    void injectedTokenExpiryOnARevokedTokenRevokesNothingMore() throws Exception {
        startQuiet();
        client.token();
        sim.setFaults(FaultRates.none().withExpiredToken(1.0));
        assertEquals(401, client.get("/jobs").statusCode());
        assertEquals(401, client.get("/jobs").statusCode());
        SimulatorStats stats = sim.stats();
        assertEquals(2, stats.faults(Fault.EXPIRED_TOKEN));
        assertEquals(1, stats.revokedTokens(), "only the first found the token valid");
    }

    @Test
    void neverInjectsTokenExpiryOnTheTokenRoute() throws Exception {
        startQuiet();
        sim.setFaults(FaultRates.none().withExpiredToken(1.0));
        assertEquals(200, client.requestToken(sim.apiKey()).statusCode());
        assertEquals(0, sim.stats().faults(Fault.EXPIRED_TOKEN));
    }

    @Test
    void stalledResponseOutlastsTheClientTimeoutWithoutHoldingUpOtherRequests() throws Exception {
        start(SimulatorOptions.builder().jobs(0).seed(1).serverThreads(2));
        client.token();
        sim.setFaults(FaultRates.none().withStall(1.0, Duration.ofSeconds(3)).onlyOn(Route.LIST_JOBS));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var stalled = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.apiUrl() + "/jobs"))
                .header("Authorization", client.token()).timeout(Duration.ofMillis(300)).build();
        // more stalled requests than server threads: none of them may occupy a thread while it waits
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pending.add(http.sendAsync(stalled, HttpResponse.BodyHandlers.ofString()));
        }
        for (var p : pending) {
            var e = assertThrows(java.util.concurrent.ExecutionException.class, p::get);
            assertTrue(e.getCause() instanceof java.net.http.HttpTimeoutException, e.getCause().toString());
        }
        long start = System.nanoTime();
        assertEquals(404, client.get("/jobs/none").statusCode(), "other routes answer at once");
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "not held up behind the stalled requests");
        assertEquals(4, sim.stats().faults(Route.LIST_JOBS, Fault.STALL));
    }

    @Test
    void countsInjectedFaultsPerRouteAndKind() throws Exception {
        startQuiet();
        String id = scriptedJob();
        client.token();
        sim.setFaults(FaultRates.none().withUnavailable(1.0).onlyOn(Route.LOGS));
        client.logs(id);
        client.logs(id);
        sim.setFaults(FaultRates.none().withTooManyRequests(1.0, 1).onlyOn(Route.GET_JOB));
        client.get("/jobs/" + id);
        sim.setFaults(FaultRates.none().withSlow(1.0, Duration.ofMillis(10)).onlyOn(Route.LIST_JOBS));
        client.get("/jobs");
        SimulatorStats stats = sim.stats();
        assertEquals(2, stats.faults(Route.LOGS, Fault.UNAVAILABLE));
        assertEquals(0, stats.faults(Route.LIST_JOBS, Fault.UNAVAILABLE));
        assertEquals(1, stats.faults(Route.GET_JOB, Fault.TOO_MANY_REQUESTS));
        assertEquals(1, stats.faults(Fault.SLOW));
        assertEquals(3, stats.faults(Set.of(Route.LOGS, Route.GET_JOB, Route.LIST_JOBS), Fault.UNAVAILABLE)
                + stats.faults(Route.GET_JOB, Fault.TOO_MANY_REQUESTS));
    }

    @Test
    void mixedFaultRatesInjectEveryKindAtRoughlyItsRate() throws Exception {
        long seed = seed();
        start(SimulatorOptions.builder().jobs(0).seed(seed));
        client.token();
        double each = 0.1;
        sim.setFaults(FaultRates.none().withUnavailable(each).withTooManyRequests(each, 0).withMalformed(each)
                .withExpiredToken(each).onlyOn(Route.GET_JOB));
        int n = 1000;
        for (int i = 0; i < n; i++) {
            client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.apiUrl() + "/jobs/x")).GET());
        }
        SimulatorStats stats = sim.stats();
        for (Fault kind : List.of(Fault.UNAVAILABLE, Fault.TOO_MANY_REQUESTS, Fault.MALFORMED, Fault.EXPIRED_TOKEN)) {
            long got = stats.faults(Route.GET_JOB, kind);
            assertTrue(Math.abs(got - n * each) < 5 * Math.sqrt(n * each * (1 - each)), kind + ": " + got);
        }
    }

    @Test
    void generatedJobWalksItsLifecycleToComplete() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(2_000).linesPerJob(150).tick(Duration.ofMillis(20)));
        String id = sim.jobIds().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.job(id).get("state").asText().equals("JOB_STATE_COMPLETE"));
        JsonNode job = client.job(id);
        assertTrue(job.has("endedAt"));
        assertEquals("", job.get("errorMessage").asText());
        Set<String> states = new HashSet<>();
        job.get("stateTimestamps").fieldNames().forEachRemaining(states::add);
        assertTrue(states.containsAll(Set.of("JOB_STATE_NEW", "JOB_STATE_STARTED", "JOB_STATE_PARTITIONED",
                "JOB_STATE_MERGING", "JOB_STATE_COMPLETE")), states.toString());
        List<SimClient.Got> lines = client.logLines(id);
        assertEquals(4, lines.stream().map(SimClient.Got::taskId).filter(t -> t != null).distinct().count());
        assertTrue(lines.stream().anyMatch(g -> g.service() == LogService.ASSEMBLER));
    }

    @Test
    void failingJobEndsFailedWithErrorMessage() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(2_000).linesPerJob(150)
                .failedFraction(1.0).tick(Duration.ofMillis(20)));
        String id = sim.jobIds().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.job(id).get("state").asText().equals("JOB_STATE_FAILED"));
        JsonNode job = client.job(id);
        assertTrue(job.get("errorMessage").asText().contains("failed"));
        assertTrue(job.has("endedAt"));
        assertTrue(client.logLines(id).stream().anyMatch(g -> g.level().equals("ERROR")));
    }

    @Test
    void servedLinesMatchWhatLogsReturnsAndGeneratedContentIsRealistic() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(5_000).linesPerJob(1_500)
                .tick(Duration.ofMillis(20)));
        String id = sim.jobIds().get(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> sim.jobState(id).equals("JOB_STATE_COMPLETE"));
        List<SimClient.Got> got = client.logLines(id);
        List<ServedLine> served = sim.servedLines(id);
        Function<ServedLine, SimClient.Got> asGot = s -> new SimClient.Got(s.service(), s.taskId(), s.container(),
                null, s.level(), s.message());
        Map<SimClient.Got, Long> fromResponse = counts(got, g -> new SimClient.Got(g.service(), g.taskId(),
                g.container(), null, g.level(), g.log()));
        assertEquals(counts(served, asGot), fromResponse);
        assertEquals(counts(served, ServedLine::timestamp), counts(got, SimClient.Got::instant));

        assertTimestampOrderPerStream(got);
        assertTrue(got.stream().anyMatch(g -> g.log().contains("\r") && g.log().length() > 500), "tqdm line");
        assertTrue(got.stream().anyMatch(g -> g.log().startsWith("Traceback") && g.log().contains("\n")), "traceback");
        assertTrue(got.stream().anyMatch(g -> g.log().chars().anyMatch(c -> c > 127)), "non-ASCII");
        assertTrue(got.stream().anyMatch(g -> g.log().length() > 2_000 && !g.log().contains("\r")), "multi-KB");
        assertTrue(got.stream().anyMatch(g -> g.level().equals("WARN")), "WARN");
        assertTrue(got.stream().anyMatch(g -> g.level().equals("ERROR")), "ERROR");
        assertTrue(got.stream().anyMatch(g -> g.level().equals("UNKNOWN") && g.container().isEmpty()), "app line");
        assertTrue(counts(got, Function.identity()).values().stream().anyMatch(n -> n >= 2), "exact repeat");
        Map<List<Object>, Long> sameStamp = counts(got, g -> List.of(g.service(), String.valueOf(g.taskId()),
                g.container(), g.timestamp()));
        assertTrue(got.stream().anyMatch(g -> sameStamp.get(List.of(g.service(), String.valueOf(g.taskId()),
                g.container(), g.timestamp())) >= 2 && !g.log().startsWith("Retrying")), "distinct lines, same stamp");
        assertTrue(hasLateLine(served), "a line visible after a newer one, stamped older, within 30 s");
    }

    @Test
    void sameSeedGivesSameJobsAndContent() throws Exception {
        long seed = seed();
        SimulatorOptions.Builder options = SimulatorOptions.builder().jobs(2).seed(seed).linesPerSecond(5_000)
                .linesPerJob(300).tick(Duration.ofMillis(20)).failedFraction(0.5);
        List<List<String>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (ByteNiteSimulator s = ByteNiteSimulator.start(options.build())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> s.jobIds().stream()
                        .allMatch(j -> JobStates.isTerminal(s.jobState(j))));
                List<String> content = new ArrayList<>(s.jobIds());
                content.add(s.apiKey());
                for (String j : s.jobIds()) {
                    content.add(s.jobState(j));
                    s.servedLines(j).forEach(l -> content.add(l.taskId() + " " + l.level() + " " + l.message()));
                }
                runs.add(content);
            }
        }
        assertEquals(runs.get(0), runs.get(1));
    }

    @Test
    void nanosecondTimestampsCarryNonzeroSubMillisecondDigits() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(500));
        String id = sim.jobIds().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.logLines(id).size() >= 10);
        for (SimClient.Got g : client.logLines(id)) {
            assertTrue(g.timestamp().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z"), g.timestamp());
            assertNotEquals(0, g.instant().getNano() % 1_000_000, g.timestamp());
        }
    }

    @Test
    void honoursMillisecondsInt64AsNumberAndNullForUnsetFields() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(500)
                .timestamps(SimulatorOptions.TimestampPrecision.MILLIS).int64AsString(false)
                .unsetFields(SimulatorOptions.UnsetFields.NULL));
        String id = sim.jobIds().get(0);
        assertTrue(SimClient.json(client.requestToken(sim.apiKey())).get("expiresIn").isNumber());
        JsonNode job = client.job(id);
        assertTrue(job.get("numChunks").isNumber());
        assertTrue(job.get("startAt").isNull());
        assertTrue(job.get("endedAt").isNull());
        await().atMost(Duration.ofSeconds(10)).until(() -> client.logLines(id).size() >= 5);
        for (SimClient.Got g : client.logLines(id)) {
            assertTrue(g.timestamp().matches(".*T\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), g.timestamp());
        }
        String scripted = sim.addJob("empty", List.of());
        JsonNode empty = SimClient.json(client.logs(scripted));
        assertTrue(empty.get("partitioner").isNull());
        assertTrue(empty.get("taskrunner").isNull());
    }

    @Test
    void cachedRenderingServesTheCurrentLog() throws Exception {
        start(SimulatorOptions.builder().jobs(0).seed(1).cacheRenderedLogs(true));
        String id = scriptedJob();
        String first = client.logs(id).body();
        assertEquals(first, client.logs(id).body());
        sim.appendLines(id, List.of(ScriptedLine.assembler(T0.plusSeconds(1), "Assembler task completed")));
        List<SimClient.Got> lines = client.logLines(id);
        assertEquals(7, lines.size());
        assertEquals(1, SimClient.flatten(SimClient.json(client.post("/logs",
                "{\"jobId\":\"" + id + "\",\"levels\":[\"ERROR\"]}"))).size());
    }

    @Test
    void newJobsKeepAppearingWhenConfigured() throws Exception {
        start(SimulatorOptions.builder().jobs(0).seed(seed()).newJobEvery(Duration.ofMillis(100)));
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.jobIds().size() >= 3);
    }

    @Test
    void pauseStopsProductionAndResumeRestartsIt() throws Exception {
        start(SimulatorOptions.builder().jobs(1).seed(seed()).linesPerSecond(500).linesPerJob(100_000));
        String id = sim.jobIds().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.servedLines(id).size() >= 5);
        sim.pause();
        int paused = sim.servedLines(id).size();
        assertEquals(paused, client.logLines(id).size());
        sim.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.servedLines(id).size() > paused);
    }

    @Test
    void countsRequestsPerRouteAndLogsRequestsPerJob() throws Exception {
        startQuiet();
        String id = scriptedJob();
        client.logs(id);
        client.logs(id);
        client.get("/jobs");
        client.get("/jobs/" + id);
        client.get("/nope");
        SimulatorStats stats = sim.stats();
        assertEquals(2, stats.requests(Route.LOGS));
        assertEquals(1, stats.requests(Route.LIST_JOBS));
        assertEquals(1, stats.requests(Route.GET_JOB));
        assertEquals(1, stats.requests(Route.ACCESS_TOKEN));
        assertEquals(1, stats.requests(Route.OTHER));
        assertEquals(2L, stats.logsRequests().get(id));
    }

    private static void assertRpcStatus(HttpResponse<String> r, int code) throws IOException {
        JsonNode body = SimClient.json(r);
        assertEquals(code, body.get("code").asInt());
        assertTrue(body.get("message").isTextual());
        assertTrue(body.get("details").isArray());
    }

    private static void assertTimestampOrderPerStream(List<SimClient.Got> got) {
        Map<String, Instant> last = new HashMap<>();
        for (SimClient.Got g : got) {
            String stream = g.service() + "/" + g.taskId();
            Instant prev = last.put(stream, g.instant());
            assertTrue(prev == null || !g.instant().isBefore(prev), "stream " + stream + " sorted at " + g.timestamp());
        }
    }

    private static boolean hasLateLine(List<ServedLine> served) {
        Instant newest = Instant.MIN;
        for (ServedLine l : served) {
            if (l.timestamp().isBefore(newest) && !l.timestamp().isBefore(newest.minusSeconds(30))
                    && !l.visibleAt().isBefore(Instant.EPOCH)) {
                return true;
            }
            if (l.timestamp().isAfter(newest)) {
                newest = l.timestamp();
            }
        }
        return false;
    }

    private static <T, K> Map<K, Long> counts(List<T> items, Function<T, K> key) {
        return items.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }
}
