package dev.nitelog.sink.elasticsearch;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.testing.AuthProxy;
import dev.nitelog.testing.EmbeddedOpenSearch;
import dev.nitelog.testing.TlsFixture;
import dev.nitelog.testing.TlsProxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink's TLS paths against a real OpenSearch node behind a TLS front: the cluster's CA from a
 * PEM file, a client certificate from PKCS12 or PEM, and what happens when either is wrong. Behind
 * an HTTPS front that checks the Authorization header, credentials read from files.
 */
class ElasticsearchTlsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant START = Instant.parse("2025-07-11T10:00:00Z");

    @TempDir
    static Path dir;

    private static EmbeddedOpenSearch engine;
    private static TlsFixture pki;
    private static TlsFixture strangers;
    private static TlsProxy mutual;
    private static TlsProxy serverOnly;
    private static AuthProxy basicAuth;
    private static AuthProxy apiKeyAuth;
    private static final String ES_PASSWORD = "es-pass-S3CRET-file-5d2a";
    private static final String ES_API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";

    @BeforeAll
    static void start() throws Exception {
        engine = new EmbeddedOpenSearch().start();
        pki = TlsFixture.create(Files.createDirectories(dir.resolve("ours")));
        strangers = TlsFixture.create(Files.createDirectories(dir.resolve("theirs")));
        mutual = TlsProxy.start(pki.serverContext(), engine.httpPort(), true);
        serverOnly = TlsProxy.start(pki.serverContext(), engine.httpPort(), false);
        basicAuth = AuthProxy.start(pki.serverContext(), engine.url(), "Basic " + java.util.Base64.getEncoder()
                .encodeToString(("nitelog:" + ES_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)), true);
        apiKeyAuth = AuthProxy.start(pki.serverContext(), engine.url(), "ApiKey " + ES_API_KEY, false);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{mutual, serverOnly, basicAuth, apiKeyAuth, engine}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void mutualTlsWithTheClusterCaAndAClientCertificateDeliversEveryRecord() throws Exception {
        ElasticsearchSink sink = sink(mutual, "tls-mutual",
                "tls.ca-file", pki.caPem().toString(),
                "tls.keystore-file", pki.clientKeystore().toString(),
                "tls.keystore-password", TlsFixture.PASSWORD);
        List<LogRecord> records = EsTestSupport.records("job-tls", 0, 120, START);

        sink.write(new SinkBatch(records, new EsTestSupport.KeptDeadLetters()));

        assertEquals(records.size(), count("tls-mutual"));
        assertTrue(sink.check().up(), sink.check()::toString);
        assertTrue(mutual.handshakes() > 0);
        sink.close();
    }

    @Test
    void aPemClientCertificateAndAPasswordFromAFileGetThroughAClusterThatChecksBoth() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("es-password"), ES_PASSWORD + "\n");
        int refusedBefore = basicAuth.refused();
        ElasticsearchSink sink = sink(basicAuth.port(), "tls-pem-basic",
                "tls.ca-file", pki.caPem().toString(),
                "tls.certificate-file", pki.clientCertificatePem().toString(),
                "tls.key-file", pki.clientKeyPem().toString(),
                "username", "nitelog",
                "password-file", passwordFile.toString());
        List<LogRecord> records = EsTestSupport.records("job-pem", 0, 50, START);

        sink.write(new SinkBatch(records, new EsTestSupport.KeptDeadLetters()));

        assertEquals(records.size(), count("tls-pem-basic"));
        assertTrue(basicAuth.passed() > 0);
        assertEquals(refusedBefore, basicAuth.refused(), "a request went without the password from the file");
        assertTrue(sink.check().up(), sink.check()::toString);
        sink.close();
    }

    @Test
    void aWrongPasswordInTheFileIsRefusedByTheClusterAndNeverNamed() throws Exception {
        String wrong = "wrong-" + ES_PASSWORD;
        Path passwordFile = Files.writeString(dir.resolve("es-wrong-password"), wrong + "\n");
        ElasticsearchSink sink = sink(basicAuth.port(), "tls-pem-wrong",
                "tls.ca-file", pki.caPem().toString(),
                "tls.certificate-file", pki.clientCertificatePem().toString(),
                "tls.key-file", pki.clientKeyPem().toString(),
                "username", "nitelog",
                "password-file", passwordFile.toString());

        SinkException e = assertThrows(SinkException.class, () -> sink.write(batch("job-pem-wrong")));

        assertTrue(e.getMessage().contains("refused the credentials (401"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong) || sink.check().toString().contains(wrong), e.getMessage());
        assertEquals(0, count("tls-pem-wrong"));
        sink.close();
    }

    @Test
    void anApiKeyFromAFileIsSentAsTheApiKeyHeader() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("es-api-key"), ES_API_KEY + "\n");
        ElasticsearchSink sink = sink(apiKeyAuth.port(), "tls-api-key-file",
                "tls.ca-file", pki.caPem().toString(),
                "api-key-file", keyFile.toString());

        sink.write(batch("job-api-key-file"));

        assertEquals(10, count("tls-api-key-file"));
        sink.close();
    }

    @Test
    void aPemClientKeyIsRequiredWhereTheClusterWantsAClientCertificate() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("es-password-2"), ES_PASSWORD);
        ElasticsearchSink sink = sink(basicAuth.port(), "tls-pem-anonymous",
                "tls.ca-file", pki.caPem().toString(),
                "username", "nitelog",
                "password-file", passwordFile.toString());

        assertThrows(SinkException.class, () -> sink.write(batch("job-pem-anonymous")));

        assertEquals(0, count("tls-pem-anonymous"));
        sink.close();
    }

    @Test
    void refusesAClusterWhoseCertificateTheCaFileDoesNotVouchFor() throws Exception {
        ElasticsearchSink sink = sink(mutual, "tls-stranger",
                "tls.ca-file", strangers.caPem().toString(),
                "tls.keystore-file", pki.clientKeystore().toString(),
                "tls.keystore-password", TlsFixture.PASSWORD);

        SinkException e = assertThrows(SinkException.class, () -> sink.write(batch("job-stranger")));

        assertNoSecret(e.getMessage());
        assertTrue(e.getMessage().contains("tls.ca-file"), e.getMessage());
        SinkHealth health = sink.check();
        assertFalse(health.up());
        assertNoSecret(health.toString());
        assertEquals(0, count("tls-stranger"));
        sink.close();
    }

    @Test
    void aClusterThatWantsAClientCertificateRefusesOneWithout() throws Exception {
        int failedBefore = mutual.failedHandshakes();
        ElasticsearchSink sink = sink(mutual, "tls-anonymous", "tls.ca-file", pki.caPem().toString());

        assertThrows(SinkException.class, () -> sink.write(batch("job-anonymous")));

        assertTrue(mutual.failedHandshakes() > failedBefore, "the proxy saw no refused handshake");
        assertEquals(0, count("tls-anonymous"));
        sink.close();
    }

    @Test
    void aServerCertificateAloneIsEnoughWhenTheClusterAsksForNoClientCertificate() throws Exception {
        ElasticsearchSink sink = sink(serverOnly, "tls-server-only", "tls.ca-file", pki.caPem().toString());

        sink.write(batch("job-server-only"));

        assertEquals(10, count("tls-server-only"));
        sink.close();
    }

    @Test
    void withoutTheCaFileTheJvmTrustStoreRefusesAPrivateCaUnlessVerificationIsOff() throws Exception {
        ElasticsearchSink strict = sink(serverOnly, "tls-default-trust");
        assertThrows(SinkException.class, () -> strict.write(batch("job-default-trust")));
        assertEquals(0, count("tls-default-trust"));
        strict.close();

        ElasticsearchSink lax = sink(serverOnly, "tls-no-verify", "tls.verify", "false");
        lax.write(batch("job-no-verify"));
        assertEquals(10, count("tls-no-verify"));
        lax.close();
    }

    @Test
    void aWrongKeystorePasswordStopsTheSinkAtStartupNamingTheKeyButNeverThePassword() {
        String wrong = "not-the-" + TlsFixture.PASSWORD;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sink(mutual, "tls-bad-pass",
                "tls.keystore-file", pki.clientKeystore().toString(),
                "tls.keystore-password", wrong));

        assertTrue(e.getMessage().contains("tls.keystore-password"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertNoSecret(e.getMessage());
    }

    @Test
    void aCaFileWithoutACertificateIsNamedAtStartup() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not-a-ca.pem"), "hello");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sink(mutual, "tls-bad-ca", "tls.ca-file", notPem.toString()));

        assertTrue(e.getMessage().contains("tls.ca-file=" + notPem), e.getMessage());
    }

    private static SinkBatch batch(String job) {
        return new SinkBatch(EsTestSupport.records(job, 0, 10, START), new EsTestSupport.KeptDeadLetters());
    }

    private static ElasticsearchSink sink(TlsProxy proxy, String index, String... pairs) {
        return sink(proxy.port(), index, pairs);
    }

    private static ElasticsearchSink sink(int port, String index, String... pairs) {
        Map<String, String> keys = new HashMap<>(Map.of("urls", TlsFixture.httpsUrl(port).toString(),
                "index", index, "request-timeout", "60s"));
        for (int i = 0; i < pairs.length; i += 2) {
            keys.put(pairs[i], pairs[i + 1]);
        }
        return EsTestSupport.sink(index, keys);
    }

    private static void assertNoSecret(String text) {
        assertFalse(text != null && text.contains(TlsFixture.PASSWORD), "the keystore password leaked: " + text);
    }

    /** Counted over plain HTTP, straight from the engine; 0 when the index was never created. */
    private static long count(String index) throws Exception {
        send("POST", "/" + index + "/_refresh?ignore_unavailable=true");
        HttpResponse<String> r = send("GET", "/" + index + "/_count?ignore_unavailable=true");
        return r.statusCode() == 404 ? 0 : JSON.readTree(r.body()).path("count").asLong();
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        URI uri = URI.create(engine.url().toString().replaceAll("/$", "") + path);
        return HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
