package dev.nitelog.bytenite;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that the Quarkus REST Client hands a blocking {@link Response}'s body over as it arrives
 * instead of buffering it whole: the server dribbles the body over two seconds, and the first
 * bytes must be readable long before the last ones have been sent.
 */
@QuarkusTest
class RestClientStreamingTest {
    static WireMockServer wireMock;

    @BeforeAll
    static void start() {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
    }

    @AfterAll
    static void stop() {
        wireMock.stop();
    }

    @Test
    void readsTheLogsBodyWhileItIsStillArriving() throws Exception {
        String body = "{\"partitioner\":[" + "{\"log\":\"line\",\"timestamp\":\"2025-01-01T00:00:01Z\"},".repeat(2000)
                + "{\"log\":\"last\",\"timestamp\":\"2025-01-01T00:00:02Z\"}]}";
        wireMock.stubFor(post("/v1/customer/logs").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)
                .withChunkedDribbleDelay(20, 2000)));
        CustomerResource customer = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(wireMock.baseUrl() + "/v1/customer"))
                .readTimeout(10, TimeUnit.SECONDS)
                .disableDefaultMapper(true)
                .build(CustomerResource.class);
        try (customer; Response response = customer.logs("token", new Wire.LogsRequest("j", List.of(), List.of(), List.of()))) {
            long start = System.nanoTime();
            InputStream in = response.readEntity(InputStream.class);
            int first = in.read();
            long firstByteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            byte[] rest = in.readAllBytes();
            long lastByteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals('{', first);
            assertEquals(body.length() - 1, rest.length);
            // buffered, the first byte would only be readable once all of it was there
            assertTrue(lastByteMillis - firstByteMillis >= 1000,
                    "first byte after " + firstByteMillis + " ms, last after " + lastByteMillis + " ms");
        }
    }
}
