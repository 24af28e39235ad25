package dev.nitelog.sink.elasticsearch;

import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.SinkException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLException;

/**
 * HTTP to the cluster over {@link HttpClient}, failing over between its URLs: a connection
 * failure, timeout, 429 or 5xx on one URL moves to the next, and only when every URL failed does
 * the call throw {@link RetriableSinkException}. The URL that answered last is tried first next
 * time. 401 and 403 throw {@link SinkException} at once: credentials do not improve on another node.
 * Messages name the URL and the status, never a credential.
 */
final class EsHttp {
    /** A response the caller consumes; its body must be closed. */
    record Response(int status, InputStream body, URI url) implements AutoCloseable {
        String text(int max) throws IOException {
            byte[] bytes = body.readNBytes(max);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // nothing to do about a body we could not close
            }
        }
    }

    private final String sink;
    private final List<URI> urls;
    private final HttpClient client;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final List<String> secrets;
    private volatile int preferred;

    /** @param secrets credential values that must never appear in a message, even if a server echoes one */
    EsHttp(String sink, List<URI> urls, HttpClient client, Optional<String> authorization, Duration timeout,
           List<String> secrets) {
        this.sink = sink;
        this.secrets = List.copyOf(secrets);
        this.urls = List.copyOf(urls);
        this.client = client;
        this.authorization = authorization;
        this.timeout = timeout;
    }

    /**
     * Sends one request, failing over between URLs. Returns any status below 500 but 401, 403 and
     * 429 (the caller handles 2xx, 404, 409, 413, ...).
     */
    Response send(String method, String path, byte[] body, int length, String contentType, Duration requestTimeout)
            throws SinkException {
        // no copy: the buffer is left alone until the response has arrived
        return send(method, path, HttpRequest.BodyPublishers.ofByteArray(body, 0, length), Optional.of(contentType),
                requestTimeout);
    }

    /** As {@link #send(String, String, byte[], int, String, Duration)} without a body. */
    Response send(String method, String path, Duration requestTimeout) throws SinkException {
        return send(method, path, HttpRequest.BodyPublishers.noBody(), Optional.empty(), requestTimeout);
    }

    private Response send(String method, String path, HttpRequest.BodyPublisher body, Optional<String> contentType,
                          Duration requestTimeout) throws SinkException {
        String last = "no URL configured";
        int start = preferred;
        for (int i = 0; i < urls.size(); i++) {
            int index = (start + i) % urls.size();
            URI url = urls.get(index).resolve(path);
            HttpResponse<InputStream> response;
            try {
                response = client.send(request(method, url, body, contentType, requestTimeout),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                last = url.getScheme() + "://" + url.getAuthority() + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()) + tlsHint(e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableSinkException("interrupted while talking to " + url.getAuthority());
            }
            Response r = new Response(response.statusCode(), response.body(), url);
            if (r.status() == 401 || r.status() == 403) {
                String detail = errorText(r);
                throw new SinkException("sink " + sink + ": " + url.getAuthority() + " refused the credentials ("
                        + r.status() + detail + "): check username/password, api-key or bearer-token and the"
                        + " user's privileges (create_doc on the index)");
            }
            if (r.status() == 429 || r.status() >= 500) {
                last = url.getAuthority() + " answered " + r.status() + errorText(r);
                continue;
            }
            preferred = index;
            return r;
        }
        throw new RetriableSinkException("sink " + sink + ": no cluster URL accepted " + method + " " + path
                + " (last: " + last + ")");
    }

    /** A handshake failure is a configuration problem more often than a network one: say where to look. */
    private String tlsHint(IOException e) {
        return e instanceof SSLException
                ? " (TLS: check nitelog.sinks." + sink + ".tls.ca-file or tls.truststore-file, the client"
                        + " certificate (tls.certificate-file or tls.keystore-file) and the cluster's certificate)"
                : "";
    }

    Response send(String method, String path) throws SinkException {
        return send(method, path, timeout);
    }

    Duration timeout() {
        return timeout;
    }

    private HttpRequest request(String method, URI url, HttpRequest.BodyPublisher body, Optional<String> contentType,
                                Duration requestTimeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(requestTimeout)
                .header("Accept", "application/json");
        authorization.ifPresent(value -> b.header("Authorization", value));
        contentType.ifPresent(type -> b.header("Content-Type", type));
        return b.method(method, body).build();
    }

    /** A short excerpt of an error body (its type and reason), for messages, with any credential blanked. */
    String errorText(Response r) {
        try (r) {
            String text = r.text(600).replaceAll("\\s+", " ").trim();
            for (String secret : secrets) {
                if (!secret.isEmpty()) {
                    text = text.replace(secret, "***");
                }
            }
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException e) {
            return "";
        }
    }
}
