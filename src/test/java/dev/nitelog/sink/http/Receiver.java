package dev.nitelog.sink.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * An HTTP receiver on 127.0.0.1 (JDK {@link HttpServer}, port 0) that records every POST (when it
 * arrived, its headers, its body decoded from gzip when so encoded) and answers as its
 * {@link Responder} says: 200 unless told otherwise.
 */
public final class Receiver implements AutoCloseable {

    /** One request as received; {@code status} is what it was answered. */
    public record Request(long nanos, Map<String, List<String>> headers, byte[] body, String clientPrincipal,
                          int status) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, headers, body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer status(int status) {
            return new Answer(status, Map.of(), "");
        }
    }

    /** Chooses the answer to the {@code index}-th request (from 0); may block. */
    @FunctionalInterface
    public interface Responder {
        Answer answer(int index, Request request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Responder responder = (i, r) -> Answer.status(200);
    private final boolean tls;

    private Receiver(HttpServer server, boolean tls) {
        this.server = server;
        this.tls = tls;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static Receiver start() throws IOException {
        return new Receiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), false);
    }

    /** Over TLS with {@code context}; {@code needClientAuth} asks for a client certificate. */
    public static Receiver startTls(SSLContext context, boolean needClientAuth) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(ssl);
            }
        });
        return new Receiver(server, true);
    }

    public Receiver respond(Responder responder) {
        this.responder = responder;
        return this;
    }

    public URI url() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + "/push");
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered 2xx. */
    public List<Request> accepted() {
        return requests.stream().filter(r -> r.status() >= 200 && r.status() < 300).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long nanos = System.nanoTime();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            byte[] body = raw;
            if ("gzip".equalsIgnoreCase(encoding)) {
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                    body = in.readAllBytes();
                }
            }
            String principal = null;
            if (exchange instanceof HttpsExchange https) {
                try {
                    principal = https.getSSLSession().getPeerPrincipal().getName();
                } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                    principal = null;
                }
            }
            Map<String, List<String>> headers = Map.copyOf(exchange.getRequestHeaders());
            Request seen = new Request(nanos, headers, body, principal, 0);
            Answer answer;
            int index;
            synchronized (this) {
                index = indexCounter++;
            }
            try {
                answer = responder.answer(index, seen);
            } catch (Exception e) {
                answer = Answer.status(500);
            }
            requests.add(new Request(nanos, headers, body, principal, answer.status()));
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        }
    }

    private int indexCounter;

    /** Lines of every accepted NDJSON body, in order. */
    public List<String> acceptedLines() {
        List<String> lines = new ArrayList<>();
        for (Request r : accepted()) {
            r.text().lines().forEach(lines::add);
        }
        return lines;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
