package dev.nitelog.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

/**
 * An HTTPS front on 127.0.0.1 that lets a request through to a local search engine only with one
 * exact {@code Authorization} header, and answers 401 otherwise: how a cluster with its security
 * plugin on looks to a client, in front of an engine that has none. A test that sees documents
 * indexed through it knows the client sent that credential. Optionally mutual TLS.
 */
public final class AuthProxy implements AutoCloseable {
    private static final HttpClient ENGINE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HttpsServer server;
    private final ExecutorService workers;
    private final URI target;
    private final String authorization;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();

    private AuthProxy(HttpsServer server, ExecutorService workers, URI target, String authorization) {
        this.server = server;
        this.workers = workers;
        this.target = target;
        this.authorization = authorization;
    }

    /**
     * @param target        the engine's plain HTTP base URL
     * @param authorization the one {@code Authorization} header value let through, e.g. {@code Basic ...}
     */
    public static AuthProxy start(SSLContext context, URI target, String authorization, boolean requireClientCertificate)
            throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                // the parameters given here override HttpsParameters' own setters, so the client
                // certificate requirement goes into them
                javax.net.ssl.SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setNeedClientAuth(requireClientCertificate);
                params.setSSLParameters(ssl);
            }
        });
        ExecutorService workers = Executors.newFixedThreadPool(4);
        server.setExecutor(workers);
        AuthProxy proxy = new AuthProxy(server, workers, target, authorization);
        server.createContext("/", proxy::handle);
        server.start();
        return proxy;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests answered 401 for a missing or wrong Authorization header. */
    public int refused() {
        return refused.get();
    }

    /** Requests that carried the expected header and went through to the engine. */
    public int passed() {
        return passed.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                reply(exchange, 401, "application/json",
                        "{\"error\":{\"type\":\"security_exception\",\"reason\":\"missing or wrong credentials\"},\"status\":401}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            passed.incrementAndGet();
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(pathAndQuery))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                forward.header("Content-Type", contentType);
            }
            HttpResponse<byte[]> response;
            try {
                response = ENGINE.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            reply(exchange, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
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
