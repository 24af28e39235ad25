package dev.nitelog.testing;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedOpenSearchIT {

    @Test
    void answersHttpAndComesBackOnTheSamePortAfterARestart() throws Exception {
        try (EmbeddedOpenSearch engine = new EmbeddedOpenSearch().start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(engine.url().resolve("/_cluster/health")).build();
            assertEquals(200, http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode());
            int port = engine.httpPort();
            engine.stop();
            engine.start();
            assertEquals(port, engine.httpPort());
            HttpResponse<String> again = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertTrue(again.body().contains("nitelog-test"), again.body());
        }
    }
}
