package dev.nitelog.e2e;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.Route;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.TlsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nitelog with known secrets (API key, sink passwords, Kafka SASL passwords, a keystore password),
 * given as values and as files, and its own log at TRACE: no secret may appear in anything it
 * prints, exports or answers, even while sinks fail and while the API key is rotated on disk.
 */
class SecretsIT {
    private static final String API_KEY = "apikey-S3CRET-4e1f9c";
    private static final String ES_PASSWORD = "espass-S3CRET-77ab";
    private static final String KAFKA_PASSWORD = "kafkapass-S3CRET-91cd";
    private static final String ROTATED_API_KEY = "apikey-S3CRET-rotated-0b7e";
    private static final String ES_FILE_PASSWORD = "espass-file-S3CRET-c41d";
    private static final String KAFKA_FILE_PASSWORD = "kafkapass-file-S3CRET-2f60";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void noSecretAppearsInLogsMetricsHealthOrValidateOutput(@TempDir Path dir) throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(2).linesPerJob(5000).linesPerSecond(50)
                .apiKey(API_KEY).tokenTtl(Duration.ofSeconds(2)).build();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
            Path apiKeyFile = Files.writeString(dir.resolve("api-key"), API_KEY + "\n");
            TlsFixture pki = TlsFixture.create(Files.createDirectories(dir.resolve("pki")));
            String yaml = """
                    nitelog:
                      bytenite:
                        api-key-file: %s
                        api-url: %s
                        auth-url: %s
                        token-renew-before: 1s
                      jobs:
                        poll-interval: 300ms
                        discovery-interval: 1s
                      state:
                        dir: %s
                      sinks:
                        console:
                          type: stdout
                        search:
                          type: elasticsearch
                          urls: http://127.0.0.1:9
                          username: nitelog
                          password: %s
                          retry-backoff: 200ms
                        bus:
                          type: kafka
                          producer:
                            bootstrap.servers: 127.0.0.1:9
                            security.protocol: SASL_PLAINTEXT
                            sasl.mechanism: SCRAM-SHA-256
                            sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="nitelog" password="%s";
                        search-files:
                          type: elasticsearch
                          urls: https://127.0.0.1:9
                          username: nitelog
                          password-file: %s
                          tls:
                            ca-file: %s
                            keystore-file: %s
                            keystore-password-file: %s
                          retry-backoff: 200ms
                        bus-files:
                          type: kafka
                          sasl:
                            mechanism: SCRAM-SHA-512
                            username: nitelog
                            password-file: %s
                          producer:
                            bootstrap.servers: 127.0.0.1:9
                    """.formatted(apiKeyFile, sim.apiUrl(), sim.authUrl(), dir.resolve("state"), ES_PASSWORD,
                    KAFKA_PASSWORD, secretFile(dir, "es-password", ES_FILE_PASSWORD), pki.caPem(),
                    pki.clientKeystore(), secretFile(dir, "keystore-password", TlsFixture.PASSWORD),
                    secretFile(dir, "kafka-password", KAFKA_FILE_PASSWORD));
            Map<String, String> env = Map.of("QUARKUS_LOG_LEVEL", "DEBUG",
                    "QUARKUS_LOG_CATEGORY__DEV_NITELOG__LEVEL", "TRACE");
            try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, env)) {
                nitelog.start().awaitStarted(Duration.ofMinutes(1));
                // lines flow, tokens expire and are renewed, two sinks keep failing
                await().atMost(Duration.ofMinutes(1)).until(() -> nitelog.allStdoutLines().size() > 100
                        && nitelog.stderr().contains("Sink search is failing") && nitelog.stderr().contains("Sink bus is failing")
                        && nitelog.stderr().contains("Sink search-files is failing")
                        && nitelog.stderr().contains("Sink bus-files is failing"));
                // tokens expire: nitelog gets 401s, renews, and keeps polling
                sim.expireTokens();
                long tokensBefore = sim.stats().requests(Route.ACCESS_TOKEN);
                long pollsBefore = sim.stats().requests(Route.LOGS);
                await().atMost(Duration.ofMinutes(1)).until(() -> sim.stats().requests(Route.ACCESS_TOKEN) > tokensBefore + 2
                        && sim.stats().requests(Route.LOGS) > pollsBefore + 10);

                // the key is rotated at ByteNite: polls are refused until the mounted file has the new key,
                // then nitelog carries on without a restart
                sim.rotateApiKey(ROTATED_API_KEY);
                long refusedBefore = sim.stats().requests(Route.ACCESS_TOKEN);
                await().atMost(Duration.ofMinutes(1)).until(() -> sim.stats().requests(Route.ACCESS_TOKEN) > refusedBefore);
                Files.writeString(apiKeyFile, ROTATED_API_KEY + "\n");
                await().atMost(Duration.ofMinutes(1)).until(() -> nitelog.stderr().contains("found a new API key"));
                long pollsAfterRotation = sim.stats().requests(Route.LOGS);
                int linesAfterRotation = nitelog.allStdoutLines().size();
                await().atMost(Duration.ofMinutes(1)).until(() -> sim.stats().requests(Route.LOGS) > pollsAfterRotation + 10
                        && nitelog.allStdoutLines().size() > linesAfterRotation);

                String base = "http://127.0.0.1:" + nitelog.httpPort();
                String exported = get(base + "/q/metrics") + get(base + "/q/health") + get(base + "/q/health/ready");
                assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)));

                NitelogProcess.Result validate = nitelog.runCommand(Duration.ofMinutes(1), "validate");
                String everything = nitelog.stderr() + String.join("\n", nitelog.allStdoutLines()) + exported
                        + validate.stdout() + validate.stderr() + readAll(dir.resolve("state"));
                assertTrue(everything.contains("TRACE") || everything.contains("DEBUG"), "logging was verbose");
                for (String secret : List.of(API_KEY, ROTATED_API_KEY, ES_PASSWORD, KAFKA_PASSWORD, ES_FILE_PASSWORD,
                        KAFKA_FILE_PASSWORD, TlsFixture.PASSWORD)) {
                    assertFalse(everything.contains(secret), "a secret leaked: " + secret.substring(0, 6) + "...");
                }
            }
        }
    }

    private static Path secretFile(Path dir, String name, String secret) throws Exception {
        return Files.writeString(dir.resolve(name), secret + "\n");
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String readAll(Path dir) throws Exception {
        StringBuilder all = new StringBuilder();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    all.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
        return all.toString();
    }
}
