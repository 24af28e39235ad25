package dev.nitelog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain-HTTP front on 127.0.0.1 for a local search engine: it passes every request through and,
 * while {@link #faults(boolean) faults are on}, answers {@code _bulk} requests the way an
 * overloaded or locked-down cluster does. Bulk requests are taken in rounds of
 * {@link #ROUND}; each round holds every {@link Fault} in a fixed number, in an order drawn from a
 * seeded {@link Random}, so ten bulk requests with faults on are enough to see every kind:
 * <ul>
 *   <li>{@link Fault#TOO_MANY_REQUESTS}: 429 {@code es_rejected_execution_exception}, nothing stored;
 *   <li>{@link Fault#UNAVAILABLE}: 503, nothing stored;
 *   <li>{@link Fault#UNAVAILABLE_AFTER_STORING}: the engine stores the request, the client gets a
 *       503 (the answer lost on its way back: a re-send meets documents that are already there);
 *   <li>{@link Fault#ITEMS_FORBIDDEN}: some of the operations (each with probability one half, at
 *       least one) answer item-level 403 {@code security_exception} and never reach the engine;
 *       the others are stored and answered by the engine.
 * </ul>
 * Only {@code create} and {@code index} operations (an action line and a document) are understood;
 * a bulk request with anything else passes through untouched.
 */
public final class BulkFaultProxy implements AutoCloseable {
    /** What the proxy does to one bulk request while faults are on. */
    public enum Fault { TOO_MANY_REQUESTS, UNAVAILABLE, UNAVAILABLE_AFTER_STORING, ITEMS_FORBIDDEN, NONE }

    /** Bulk requests per round of faults; the round's make-up is {@link #roundOf}. */
    public static final int ROUND = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient ENGINE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final byte[] REJECTED = ("{\"error\":{\"root_cause\":[{\"type\":\"es_rejected_execution_exception\","
            + "\"reason\":\"rejected execution of coordinating operation\"}],\"type\":\"es_rejected_execution_exception\","
            + "\"reason\":\"rejected execution of coordinating operation\"},\"status\":429}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNAVAILABLE = ("{\"error\":{\"root_cause\":[{\"type\":\"unavailable_shards_exception\","
            + "\"reason\":\"primary shard is not active\"}],\"type\":\"unavailable_shards_exception\","
            + "\"reason\":\"primary shard is not active\"},\"status\":503}").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService workers;
    private final URI target;
    private final Random random;
    private final List<Fault> round = new ArrayList<>();
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong bulkRequests = new AtomicLong();
    private final AtomicLong forbiddenItems = new AtomicLong();
    private volatile boolean faults;

    private BulkFaultProxy(HttpServer server, ExecutorService workers, URI target, long seed) {
        this.server = server;
        this.workers = workers;
        this.target = target;
        this.random = new Random(seed);
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
    }

    /**
     * @param target the engine's plain HTTP base URL
     * @param seed   decides the order of faults within each round and which items are refused
     */
    public static BulkFaultProxy start(URI target, long seed) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        server.setExecutor(workers);
        BulkFaultProxy proxy = new BulkFaultProxy(server, workers, target, seed);
        server.createContext("/", proxy::handle);
        server.start();
        return proxy;
    }

    /** The proxy's base URL, e.g. {@code http://127.0.0.1:34567}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Turns faults on or off for bulk requests arriving from now on. */
    public void faults(boolean on) {
        this.faults = on;
    }

    /** Bulk requests answered with this fault so far ({@link Fault#NONE}: passed through while faults were on). */
    public long injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** True once every kind of fault was injected at least once. */
    public boolean injectedEveryKind() {
        return injected.entrySet().stream().allMatch(e -> e.getKey() == Fault.NONE || e.getValue().get() > 0);
    }

    /** Bulk requests seen, with faults on or off. */
    public long bulkRequests() {
        return bulkRequests.get();
    }

    /** Operations answered with an item-level 403. */
    public long forbiddenItems() {
        return forbiddenItems.get();
    }

    /** One round: two 429s, one 503, one 503 after storing, two with refused items, four passed. */
    static List<Fault> roundOf(Random random) {
        List<Fault> r = new ArrayList<>(List.of(Fault.TOO_MANY_REQUESTS, Fault.TOO_MANY_REQUESTS, Fault.UNAVAILABLE,
                Fault.UNAVAILABLE_AFTER_STORING, Fault.ITEMS_FORBIDDEN, Fault.ITEMS_FORBIDDEN,
                Fault.NONE, Fault.NONE, Fault.NONE, Fault.NONE));
        Collections.shuffle(r, random);
        return r;
    }

    private synchronized Fault nextFault() {
        if (round.isEmpty()) {
            round.addAll(roundOf(random));
        }
        return round.remove(0);
    }

    /** Which operations to refuse: each with probability one half, at least one. */
    private synchronized boolean[] refusals(int operations) {
        boolean[] refuse = new boolean[operations];
        boolean any = false;
        for (int i = 0; i < operations; i++) {
            refuse[i] = random.nextBoolean();
            any |= refuse[i];
        }
        if (!any) {
            refuse[random.nextInt(operations)] = true;
        }
        return refuse;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            boolean bulk = exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().endsWith("/_bulk");
            if (!bulk) {
                forward(exchange, body);
                return;
            }
            bulkRequests.incrementAndGet();
            Fault fault = faults ? nextFault() : Fault.NONE;
            List<String[]> operations = fault == Fault.ITEMS_FORBIDDEN ? operations(body) : null;
            if (fault == Fault.ITEMS_FORBIDDEN && operations == null) {
                fault = Fault.NONE; // not a bulk of create/index operations: leave it alone
            }
            if (faults) {
                injected.get(fault).incrementAndGet();
            }
            switch (fault) {
                case TOO_MANY_REQUESTS -> reply(exchange, 429, "application/json", REJECTED);
                case UNAVAILABLE -> reply(exchange, 503, "application/json", UNAVAILABLE);
                case UNAVAILABLE_AFTER_STORING -> {
                    HttpResponse<byte[]> stored = send(exchange, body);
                    reply(exchange, stored.statusCode() == 200 ? 503 : stored.statusCode(), "application/json",
                            stored.statusCode() == 200 ? UNAVAILABLE : stored.body());
                }
                case ITEMS_FORBIDDEN -> refuseSome(exchange, operations);
                case NONE -> forward(exchange, body);
            }
        }
    }

    /** The request's operations as (action line, document line), or null if it holds anything else. */
    private static List<String[]> operations(byte[] body) {
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        List<String> nonEmpty = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                nonEmpty.add(line);
            }
        }
        if (nonEmpty.isEmpty() || nonEmpty.size() % 2 != 0) {
            return null;
        }
        List<String[]> ops = new ArrayList<>();
        for (int i = 0; i < nonEmpty.size(); i += 2) {
            String action = nonEmpty.get(i);
            if (!action.startsWith("{\"create\"") && !action.startsWith("{\"index\"")) {
                return null;
            }
            ops.add(new String[] {action, nonEmpty.get(i + 1)});
        }
        return ops;
    }

    /** Sends the operations not refused to the engine and answers for all of them, in request order. */
    private void refuseSome(HttpExchange exchange, List<String[]> operations) throws IOException {
        boolean[] refuse = refusals(operations.size());
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < operations.size(); i++) {
            if (!refuse[i]) {
                kept.append(operations.get(i)[0]).append('\n').append(operations.get(i)[1]).append('\n');
            }
        }
        JsonNode engineItems = JSON.createArrayNode();
        if (kept.length() > 0) {
            HttpResponse<byte[]> response = send(exchange, kept.toString().getBytes(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                reply(exchange, response.statusCode(), "application/json", response.body());
                return;
            }
            engineItems = JSON.readTree(response.body()).path("items");
        }
        ObjectNode answer = JSON.createObjectNode().put("took", 1).put("errors", true);
        ArrayNode items = answer.putArray("items");
        int next = 0;
        for (int i = 0; i < operations.size(); i++) {
            if (!refuse[i]) {
                items.add(engineItems.get(next++));
                continue;
            }
            forbiddenItems.incrementAndGet();
            JsonNode action = JSON.readTree(operations.get(i)[0]);
            String op = action.fieldNames().next();
            ObjectNode item = items.addObject().putObject(op);
            item.put("_index", action.path(op).path("_index").asText());
            item.put("_id", action.path(op).path("_id").asText());
            item.put("status", 403);
            item.putObject("error").put("type", "security_exception")
                    .put("reason", "action [indices:data/write/bulk[s]] is unauthorized for user [nitelog]");
        }
        reply(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpResponse<byte[]> response = send(exchange, body);
        reply(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                response.body());
    }

    private HttpResponse<byte[]> send(HttpExchange exchange, byte[] body) throws IOException {
        URI uri = exchange.getRequestURI();
        String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(pathAndQuery)).method(exchange.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return ENGINE.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
