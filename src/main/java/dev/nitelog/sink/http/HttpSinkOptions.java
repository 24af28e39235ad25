package dev.nitelog.sink.http;

import dev.nitelog.config.Bounds;
import dev.nitelog.config.CheckedOptions;
import dev.nitelog.config.Secrets;
import dev.nitelog.sink.TlsChecks;
import dev.nitelog.sink.TlsOptions;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of sink type {@code http}, directly under {@code nitelog.sinks.<name>}; such a sink takes
 * no others (docs/http-sink.md lists them). Secrets ({@code password}, {@code bearer-token}, header
 * values) are never logged; each secret can instead be read from a file ({@code -file}).
 */
public interface HttpSinkOptions extends CheckedOptions {

    /** The receiver's URL, http or https; every batch is one POST to it. Required. */
    Optional<String> url();

    /** The body of a POST: {@code ndjson} (one canonical JSON record per line) or {@code json-array}. */
    @WithDefault("ndjson")
    BodyFormat format();

    /**
     * Headers sent with every POST, e.g. {@code headers.X-Scope-OrgID: tenant-1}. Their values are
     * never logged. {@code Content-Type}, {@code Content-Encoding}, {@code Content-Length},
     * {@code Host} and (with {@code username} or {@code bearer-token}) {@code Authorization} are
     * nitelog's own.
     */
    Map<String, String> headers();

    /** Gzip the body and send {@code Content-Encoding: gzip}. */
    @WithDefault("false")
    boolean gzip();

    /** Basic-auth user name (with {@link #password()} or {@link #passwordFile()}). */
    Optional<String> username();

    /** Basic-auth password. Secret. */
    Optional<String> password();

    /** A file holding the basic-auth password (a trailing newline is dropped); instead of {@link #password()}. */
    Optional<String> passwordFile();

    /** A bearer token, sent as {@code Authorization: Bearer <token>}. Secret. */
    Optional<String> bearerToken();

    /** A file holding the bearer token (a trailing newline is dropped); instead of {@link #bearerToken()}. */
    Optional<String> bearerTokenFile();

    /** TLS for an https URL: PEM CA, PEM client certificate and key (or PKCS12 stores), {@code verify}. */
    TlsOptions tls();

    /** Timeout of one POST, from sending to the whole answer. */
    @WithDefault("30s")
    @Bounds(min = "100ms", max = "1h")
    Duration requestTimeout();

    /** Timeout of connecting (and the TLS handshake). */
    @WithDefault("10s")
    @Bounds(min = "100ms", max = "10m")
    Duration connectTimeout();

    /**
     * How often a POST that met 429, 5xx, 408, a timeout or a connection error is sent again within
     * one write before the write fails (the worker then retries the batch with its own backoff).
     */
    @WithDefault("3")
    @Bounds(min = "0", max = "100")
    int maxRetries();

    /** The wait before the first such re-send when the receiver gave no {@code Retry-After}; doubles each time. */
    @WithDefault("500ms")
    @Bounds(min = "1ms", max = "10m")
    Duration retryWait();

    /**
     * The longest {@code Retry-After} waited for within a write. A longer one fails the write at once,
     * and the next write waits until the time the receiver asked for.
     */
    @WithDefault("60s")
    @Bounds(min = "0s", max = "1h")
    Duration maxRetryAfter();

    /** Secrets set once and their files readable, the TLS keys consistent: found at startup. */
    @Override
    default void check(String prefix) {
        Secrets.resolve(prefix + "password", password(), passwordFile());
        Secrets.resolve(prefix + "bearer-token", bearerToken(), bearerTokenFile());
        TlsChecks.check(prefix + "tls.", tls());
    }

    /** The body of a POST. */
    enum BodyFormat {
        /** One canonical JSON record per line, each line ending in {@code \n}: Vector, Fluent Bit, Loki gateways. */
        NDJSON,
        /** One JSON array of canonical records: webhooks and receivers that want a single document. */
        JSON_ARRAY
    }
}
