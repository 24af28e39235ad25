package dev.nitelog.sink.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.Utf8Buffer;
import dev.nitelog.testing.TestConfig;
import dev.nitelog.testing.TlsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The http sink against a real HTTP server in this JVM. */
class HttpSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<LogRecord> records(String job, int from, int to) {
        List<LogRecord> out = new ArrayList<>();
        Instant start = Instant.parse("2026-01-02T03:04:05.123456789Z");
        for (int i = from; i < to; i++) {
            Instant ts = start.plusMillis(i);
            String message = "line " + i + " of " + job + " \"quoted\" \u00e9 \t tab";
            Service service = i % 3 == 0 ? Service.PARTITIONER : Service.TASKRUNNER;
            String task = service == Service.TASKRUNNER ? "task-" + (i % 4) : null;
            RecordId id = RecordId.of(job, service, task, "app", ts, message, Level.INFO, 0);
            out.add(new LogRecord(id, ts, job, job + " name", service, task, "app", Level.INFO, message));
        }
        return out;
    }

    static String canonical(LogRecord record) {
        Utf8Buffer buffer = new Utf8Buffer(256);
        RecordJson.append(record, buffer);
        return new String(buffer.toByteArray(), StandardCharsets.UTF_8);
    }

    static Sink sink(Receiver receiver, Map<String, String> more) {
        Map<String, String> keys = new HashMap<>(more);
        keys.putIfAbsent("url", receiver.url().toString());
        return TestConfig.create(new HttpSinkFactory(), "hook", keys);
    }

    /** Dead letters kept in memory. */
    static final class Kept {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();

        SinkBatch batch(List<LogRecord> records) {
            return new SinkBatch(records, (record, reason) -> {
                this.records.add(record);
                this.reasons.add(reason);
            });
        }
    }

    @Test
    void postsNdjsonWithEachRecordAsItsCanonicalJsonLineByLine() throws Exception {
        List<LogRecord> batch = records("job-a", 0, 50);
        try (Receiver receiver = Receiver.start(); Sink sink = sink(receiver, Map.of())) {
            sink.write(new Kept().batch(batch));
            assertEquals(1, receiver.requests().size());
            Receiver.Request request = receiver.requests().get(0);
            assertEquals("application/x-ndjson", request.header("Content-Type"));
            assertTrue(request.text().endsWith("\n"), "every line ends in a newline");
            List<String> lines = request.text().lines().toList();
            assertEquals(batch.size(), lines.size());
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(canonical(batch.get(i)), lines.get(i));
                assertEquals(batch.get(i).id().hex(), JSON.readTree(lines.get(i)).get("id").asText());
            }
            assertTrue(sink.check().up(), sink.check().detail());
        }
    }

    @Test
    void sendsTheSameBatchIdForTheSameRecordsAndAnotherForOthers() throws Exception {
        try (Receiver receiver = Receiver.start(); Sink sink = sink(receiver, Map.of())) {
            sink.write(new Kept().batch(records("job-a", 0, 10)));
            sink.write(new Kept().batch(records("job-a", 0, 10)));
            sink.write(new Kept().batch(records("job-a", 0, 11)));
            List<String> ids = receiver.requests().stream().map(r -> r.header("X-Nitelog-Batch-Id")).toList();
            assertTrue(ids.get(0).matches("[0-9a-f]{32}"), ids.get(0));
            assertEquals(ids.get(0), ids.get(1));
            assertFalse(ids.get(0).equals(ids.get(2)));
        }
    }

    @Test
    void postsAJsonArrayWhenAskedComparedRecordByRecord() throws Exception {
        List<LogRecord> batch = records("job-b", 0, 30);
        try (Receiver receiver = Receiver.start(); Sink sink = sink(receiver, Map.of("format", "json-array"))) {
            sink.write(new Kept().batch(batch));
            Receiver.Request request = receiver.requests().get(0);
            assertEquals("application/json", request.header("Content-Type"));
            JsonNode array = JSON.readTree(request.body());
            assertTrue(array.isArray());
            assertEquals(batch.size(), array.size());
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(JSON.readTree(canonical(batch.get(i))), array.get(i));
            }
        }
    }

    @Test
    void gzipsTheBodyWhichTheServerDecodes() throws Exception {
        List<LogRecord> batch = records("job-c", 0, 200);
        try (Receiver receiver = Receiver.start(); Sink sink = sink(receiver, Map.of("gzip", "true"))) {
            sink.write(new Kept().batch(batch));
            Receiver.Request request = receiver.requests().get(0);
            assertEquals("gzip", request.header("Content-Encoding"));
            assertEquals(batch.stream().map(HttpSinkTest::canonical).toList(), request.text().lines().toList());
        }
    }

    @Test
    void sendsConfiguredHeadersAndBasicAuthWithThePasswordFromAFile(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "p@ss:word\n");
        try (Receiver receiver = Receiver.start(); Sink sink = sink(receiver, Map.of("username", "nitelog",
                "password-file", password.toString(), "headers.X-Scope-OrgID", "tenant-1",
                "headers.X-Source", "bytenite"))) {
            sink.write(new Kept().batch(records("job-d", 0, 3)));
            Receiver.Request request = receiver.requests().get(0);
            assertEquals("Basic " + Base64.getEncoder().encodeToString("nitelog:p@ss:word".getBytes(StandardCharsets.UTF_8)),
                    request.header("Authorization"));
            assertEquals("tenant-1", request.header("X-Scope-OrgID"));
            assertEquals("bytenite", request.header("X-Source"));
            assertFalse(sink.toString().contains("p@ss"), sink.toString());
            assertFalse(sink.toString().contains("tenant-1"), "header values are not shown: " + sink);
        }
    }

    @Test
    void sendsABearerTokenFromAFile(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "tok-123\n");
        try (Receiver receiver = Receiver.start(); Sink sink = sink(receiver, Map.of("bearer-token-file", token.toString()))) {
            sink.write(new Kept().batch(records("job-e", 0, 3)));
            assertEquals("Bearer tok-123", receiver.requests().get(0).header("Authorization"));
            assertFalse(sink.toString().contains("tok-123"));
        }
    }

    @Test
    void speaksTlsWithAPemCaAndAPemClientCertificate(@TempDir Path dir) throws Exception {
        TlsFixture pki = TlsFixture.create(dir);
        try (Receiver receiver = Receiver.startTls(pki.serverContext(), true);
             Sink sink = sink(receiver, Map.of("tls.ca-file", pki.caPem().toString(),
                     "tls.certificate-file", pki.clientCertificatePem().toString(),
                     "tls.key-file", pki.clientKeyPem().toString()))) {
            assertTrue(receiver.url().toString().startsWith("https://"));
            List<LogRecord> batch = records("job-f", 0, 5);
            sink.write(new Kept().batch(batch));
            Receiver.Request request = receiver.requests().get(0);
            assertEquals("CN=nitelog", request.clientPrincipal());
            assertEquals(batch.stream().map(HttpSinkTest::canonical).toList(), request.text().lines().toList());
        }
        // without the CA the server's certificate is refused, retriably, naming where to look
        try (Receiver receiver = Receiver.startTls(pki.serverContext(), false);
             Sink sink = sink(receiver, Map.of("max-retries", "0"))) {
            RetriableSinkException e = assertThrows(RetriableSinkException.class,
                    () -> sink.write(new Kept().batch(records("job-f", 0, 1))));
            assertTrue(e.getMessage().contains("tls.ca-file"), e.getMessage());
        }
    }

    @Test
    void resendsABatchAfter503WithinTheWriteAndNothingIsLostOrDoubled() throws Exception {
        List<LogRecord> batch = records("job-g", 0, 40);
        try (Receiver receiver = Receiver.start().respond((i, r) -> Receiver.Answer.status(i < 2 ? 503 : 200));
             Sink sink = sink(receiver, Map.of("retry-wait", "10ms"))) {
            sink.write(new Kept().batch(batch));
            assertEquals(3, receiver.requests().size());
            assertEquals(1, receiver.accepted().size());
            assertEquals(batch.stream().map(HttpSinkTest::canonical).toList(), receiver.acceptedLines());
            assertEquals(1, receiver.requests().stream().map(r -> r.header("X-Nitelog-Batch-Id")).distinct().count(),
                    "a re-send carries the same batch id");
        }
    }

    @Test
    void failsRetriablyOnceRetriesAreSpentAndTheWorkersResendDeliversOnce() throws Exception {
        List<LogRecord> batch = records("job-h", 0, 25);
        CountDownLatch recovered = new CountDownLatch(1);
        try (Receiver receiver = Receiver.start().respond((i, r) ->
                Receiver.Answer.status(recovered.getCount() > 0 ? 503 : 200));
             Sink sink = sink(receiver, Map.of("max-retries", "1", "retry-wait", "10ms"))) {
            RetriableSinkException e = assertThrows(RetriableSinkException.class, () -> sink.write(new Kept().batch(batch)));
            assertTrue(e.getMessage().contains("answered 503 (2 attempts)"), e.getMessage());
            assertFalse(sink.check().up());
            recovered.countDown();
            sink.write(new Kept().batch(batch)); // what the worker does after its backoff
            assertTrue(sink.check().up());
            assertEquals(batch.stream().map(HttpSinkTest::canonical).toList(), receiver.acceptedLines());
        }
    }

    @Test
    void waitsTheRetryAfterSecondsOfA429BeforeSendingAgain() throws Exception {
        try (Receiver receiver = Receiver.start().respond((i, r) -> i == 0
                ? new Receiver.Answer(429, Map.of("Retry-After", "1"), "slow down") : Receiver.Answer.status(200));
             Sink sink = sink(receiver, Map.of("retry-wait", "1ms"))) {
            sink.write(new Kept().batch(records("job-i", 0, 5)));
            List<Receiver.Request> requests = receiver.requests();
            assertEquals(2, requests.size());
            long waited = requests.get(1).nanos() - requests.get(0).nanos();
            assertTrue(waited >= TimeUnit.SECONDS.toNanos(1), "re-sent after " + waited / 1_000_000 + " ms, not 1 s");
        }
    }

    @Test
    void aRetryAfterBeyondTheLimitFailsTheWriteAndTheNextWriteWaitsForIt() throws Exception {
        try (Receiver receiver = Receiver.start().respond((i, r) -> i == 0
                ? new Receiver.Answer(503, Map.of("Retry-After", "4"), "") : Receiver.Answer.status(200));
             Sink sink = sink(receiver, Map.of("max-retry-after", "1s"))) {
            RetriableSinkException e = assertThrows(RetriableSinkException.class,
                    () -> sink.write(new Kept().batch(records("job-j", 0, 5))));
            long thrown = System.nanoTime();
            assertTrue(e.getMessage().contains("Retry-After 4s"), e.getMessage());
            assertEquals(1, receiver.requests().size());
            // the first write did not wait the 4 s (that would take the whole wait before the throw)
            assertTrue(thrown - receiver.requests().get(0).nanos() < TimeUnit.SECONDS.toNanos(4),
                    "the failing write waited");
            sink.write(new Kept().batch(records("job-j", 0, 5)));
            List<Receiver.Request> requests = receiver.requests();
            long waited = requests.get(1).nanos() - requests.get(0).nanos();
            assertTrue(waited >= TimeUnit.SECONDS.toNanos(4), "re-sent after " + waited / 1_000_000 + " ms, not 4 s");
        }
    }

    @Test
    void aReceiverTooSlowToAnswerFailsTheWriteRetriably() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver receiver = Receiver.start().respond((i, r) -> {
            release.await(30, TimeUnit.SECONDS);
            return Receiver.Answer.status(200);
        }); Sink sink = sink(receiver, Map.of("request-timeout", "300ms", "max-retries", "0"))) {
            RetriableSinkException e = assertThrows(RetriableSinkException.class,
                    () -> sink.write(new Kept().batch(records("job-k", 0, 5))));
            assertTrue(e.getMessage().contains("did not answer within 300ms"), e.getMessage());
            assertFalse(sink.check().up());
        } finally {
            release.countDown();
        }
    }

    @Test
    void a400SendsTheRecordsToTheDeadLettersWithTheStatusNotTheBody() throws Exception {
        List<LogRecord> batch = records("job-l", 0, 7);
        Kept kept = new Kept();
        try (Receiver receiver = Receiver.start().respond((i, r) ->
                new Receiver.Answer(400, Map.of(), "bad entry; your header was Authorization: Bearer tok"));
             Sink sink = sink(receiver, Map.of())) {
            sink.write(kept.batch(batch)); // delivered: the records are dead letters now
            assertEquals(batch, kept.records);
            for (String reason : kept.reasons) {
                assertTrue(reason.startsWith("http 400 from " + receiver.url()), reason);
                assertFalse(reason.contains("Bearer"), reason);
            }
        }
    }

    @Test
    void a413HalvesTheBatchAndDeadLettersOnlyARecordTooLargeAlone() throws Exception {
        List<LogRecord> batch = records("job-m", 0, 20);
        Kept kept = new Kept();
        try (Receiver receiver = Receiver.start().respond((i, r) -> {
            List<String> lines = r.text().lines().toList();
            boolean tooLarge = lines.stream().anyMatch(l -> l.contains("\"line 13 "));
            return Receiver.Answer.status(lines.size() > 6 || tooLarge ? 413 : 200);
        }); Sink sink = sink(receiver, Map.of())) {
            sink.write(kept.batch(batch));
            List<String> expected = new ArrayList<>();
            for (LogRecord r : batch) {
                if (!r.message().startsWith("line 13 ")) {
                    expected.add(canonical(r));
                }
            }
            assertEquals(expected, receiver.acceptedLines());
            assertEquals(List.of(batch.get(13)), kept.records);
        }
    }

    @Test
    void refusedCredentialsFailTheSinkWithoutDeadLetters() throws Exception {
        Kept kept = new Kept();
        try (Receiver receiver = Receiver.start().respond((i, r) -> Receiver.Answer.status(401));
             Sink sink = sink(receiver, Map.of("bearer-token", "t"))) {
            SinkException e = assertThrows(SinkException.class, () -> sink.write(kept.batch(records("job-n", 0, 3))));
            assertFalse(e instanceof RetriableSinkException);
            assertTrue(e.getMessage().contains("answered 401"), e.getMessage());
            assertTrue(kept.records.isEmpty());
            assertEquals(1, receiver.requests().size(), "credentials do not improve by retrying at once");
        }
    }

    @Test
    void readsRetryAfterAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-12-06T23:00:00Z");
        assertEquals(Duration.ofSeconds(7), RetryAfter.parse("7", now).orElseThrow());
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Sun, 06 Dec 2026 23:01:30 GMT", now).orElseThrow());
        assertEquals(Duration.ZERO, RetryAfter.parse("Sun, 06 Dec 2026 22:59:00 GMT", now).orElseThrow());
        assertTrue(RetryAfter.parse("soon", now).isEmpty());
        assertTrue(RetryAfter.parse(" ", now).isEmpty());
    }

    @Test
    void refusesAMissingUrlAConflictingAuthAndAHeaderNitelogSets(@TempDir Path dir) throws Exception {
        HttpSinkFactory factory = new HttpSinkFactory();
        assertEquals("nitelog.sinks.hook.url is required for an http sink: set the receiver's URL, e.g."
                        + " http://vector:8080/",
                assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "hook", Map.of()))
                        .getMessage());
        assertEquals("nitelog.sinks.hook.url=ftp://x is not an http(s) URL: use e.g. https://vector.example.com:8080/",
                assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "hook",
                        Map.of("url", "ftp://x"))).getMessage());
        assertEquals("nitelog.sinks.hook.username and nitelog.sinks.hook.bearer-token are alternatives: set only one",
                assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "hook",
                        Map.of("url", "http://h/", "username", "u", "password", "p", "bearer-token", "t"))).getMessage());
        assertEquals("nitelog.sinks.hook.headers.Content-Encoding is set by nitelog itself: remove it (gzip: true"
                        + " compresses the body)",
                assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "hook",
                        Map.of("url", "http://h/", "headers.Content-Encoding", "br"))).getMessage());
        assertEquals("nitelog.sinks.hook.format=xml is not one of ndjson, json-array: use one of them",
                assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "hook",
                        Map.of("url", "http://h/", "format", "xml"))).getMessage());
        assertEquals("nitelog.sinks.hook.request-timeout=soon is not a duration: use e.g. 30s",
                assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "hook",
                        Map.of("url", "http://h/", "request-timeout", "soon"))).getMessage());
        Path missing = dir.resolve("missing");
        assertTrue(assertThrows(RuntimeException.class, () -> TestConfig.create(factory, "hook",
                Map.of("url", "http://h/", "bearer-token-file", missing.toString()))).getMessage()
                .startsWith("nitelog.sinks.hook.bearer-token-file=" + missing + " cannot be read"));
        assertNotNull(factory.optionsType());
    }
}
