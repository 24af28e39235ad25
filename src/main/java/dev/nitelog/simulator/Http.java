package dev.nitelog.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Response writing in the API's wire format: JSON bodies, rpcStatus errors, int64 and time fields. */
final class Http {

    /** A body written by streaming into a generator. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** A request the API rejects with 400 {@code {"code":3}}; the message names the bad value. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    static final int MAX_REQUEST_BYTES = 1 << 20;

    private final JsonFactory factory = new JsonFactory()
            // A render that fails midway must leave broken JSON, never a neatly closed partial body.
            .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
    private final SimulatorOptions options;
    private final StatsRecorder stats;

    Http(SimulatorOptions options, StatsRecorder stats) {
        this.options = options;
        this.stats = stats;
    }

    JsonFactory factory() {
        return factory;
    }

    /**
     * Streams a 200 JSON body chunked, straight to the socket. Like every send here it counts the
     * outcome before the first byte leaves, so a client never sees an answer not yet counted.
     */
    void sendJson(HttpExchange ex, Body body) throws IOException {
        stats.outcome(Outcome.OK);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream os = ex.getResponseBody();
             JsonGenerator g = factory.createGenerator(os, JsonEncoding.UTF8)) {
            body.write(g);
        }
    }

    /** Renders a JSON body into bytes. */
    byte[] render(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        }
        return out.toByteArray();
    }

    /** Renders a JSON body of any size into segments (for the cache). */
    Segments renderSegments(Body body) throws IOException {
        Segments out = new Segments();
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        }
        return out;
    }

    /** A 200 JSON body rendered before, with its length. */
    void sendSegments(HttpExchange ex, Segments body) throws IOException {
        stats.outcome(Outcome.OK);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length() == 0 ? -1 : body.length());
        try (OutputStream os = ex.getResponseBody()) {
            body.writeTo(os);
        }
    }

    void sendBytes(HttpExchange ex, Outcome outcome, int status, byte[] body) throws IOException {
        stats.outcome(outcome);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    /** An rpcStatus error, {@code {"code","message","details":[]}}, with the v2 HTTP mapping. */
    void sendError(HttpExchange ex, int httpStatus, int grpcCode, String message) throws IOException {
        sendBytes(ex, outcomeOf(httpStatus), httpStatus, render(g -> {
            g.writeStartObject();
            g.writeNumberField("code", grpcCode);
            g.writeStringField("message", message);
            g.writeArrayFieldStart("details");
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private static Outcome outcomeOf(int httpStatus) {
        return switch (httpStatus) {
            case 401 -> Outcome.UNAUTHENTICATED;
            case 404 -> Outcome.NOT_FOUND;
            case 429 -> Outcome.TOO_MANY_REQUESTS;
            case 503 -> Outcome.UNAVAILABLE;
            case 500 -> Outcome.INTERNAL_ERROR;
            default -> Outcome.BAD_REQUEST;
        };
    }

    /** An int64 field: a JSON string as the real API sends, or a number if so configured. */
    void int64(JsonGenerator g, String name, long value) throws IOException {
        if (options.int64AsString()) {
            g.writeStringField(name, Long.toString(value));
        } else {
            g.writeNumberField(name, value);
        }
    }

    /** A timestamp field; an unset one is absent or null as configured. */
    void time(JsonGenerator g, String name, Instant value) throws IOException {
        if (value != null) {
            g.writeStringField(name, Timestamps.format(value, options.timestamps().digits()));
        } else {
            unset(g, name);
        }
    }

    /** A field without a value. */
    void unset(JsonGenerator g, String name) throws IOException {
        if (options.unsetFields() == SimulatorOptions.UnsetFields.NULL) {
            g.writeNullField(name);
        }
    }

    static byte[] readBody(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_REQUEST_BYTES + 1);
        if (body.length > MAX_REQUEST_BYTES) {
            throw new BadRequest("request body larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        return body;
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return out;
    }
}
