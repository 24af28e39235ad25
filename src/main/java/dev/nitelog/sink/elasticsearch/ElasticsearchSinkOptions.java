package dev.nitelog.sink.elasticsearch;

import dev.nitelog.config.Bounds;
import dev.nitelog.config.CheckedOptions;
import dev.nitelog.config.Secrets;
import dev.nitelog.sink.TlsChecks;
import dev.nitelog.sink.TlsOptions;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The keys of sink type {@code elasticsearch} (Elasticsearch 7/8 and OpenSearch 1/2), directly
 * under {@code nitelog.sinks.<name>}; such a sink takes no others (docs/elasticsearch.md). Secrets ({@code password}, {@code api-key},
 * {@code bearer-token}) are never logged; each can instead be read from a file ({@code -file}).
 */
public interface ElasticsearchSinkOptions extends CheckedOptions {

    /** Base URLs of the cluster's HTTP endpoints; on a connection failure or 5xx the next one is tried. */
    Optional<List<String>> urls();

    /**
     * Index name template: {@code {yyyy.MM.dd}} (also {@code {yyyy.MM}}, {@code {yyyy}}) is the
     * record's UTC date, {@code {job}} its job id, {@code {service}} its service.
     */
    @WithDefault("bytenite-logs-{yyyy.MM.dd}")
    String index();

    /** A data stream to write into instead of {@link #index()}, e.g. {@code logs-bytenite-default}. */
    Optional<String> dataStream();

    /** Basic-auth user name (with {@link #password()}). */
    Optional<String> username();

    /** Basic-auth password. Secret. */
    Optional<String> password();

    /** A file holding the basic-auth password (a trailing newline is dropped); instead of {@link #password()}. */
    Optional<String> passwordFile();

    /** An Elasticsearch API key (the base64 {@code encoded} form), sent as {@code Authorization: ApiKey}. Secret. */
    Optional<String> apiKey();

    /** A file holding the API key (a trailing newline is dropped); instead of {@link #apiKey()}. */
    Optional<String> apiKeyFile();

    /** A bearer token, sent as {@code Authorization: Bearer}. Secret. */
    Optional<String> bearerToken();

    /** A file holding the bearer token (a trailing newline is dropped); instead of {@link #bearerToken()}. */
    Optional<String> bearerTokenFile();

    /** TLS settings for https URLs. */
    TlsOptions tls();

    /** Largest bulk request body; a batch is split into several requests beyond it. */
    @WithDefault("5M")
    @Bounds(min = "1K", max = "1G")
    MemorySize maxBulkBytes();

    /**
     * Installs nitelog's index template at startup if no template of that name exists yet; an
     * existing one is never overwritten.
     */
    @WithDefault("false")
    boolean installTemplate();

    /** Timeout of one HTTP request to the cluster. */
    @WithDefault("30s")
    @Bounds(min = "100ms", max = "1h")
    Duration requestTimeout();

    /** How often items the cluster throttled (429) or failed (5xx) are re-sent within one write. */
    @WithDefault("5")
    @Bounds(min = "0", max = "100")
    int maxItemRetries();

    /** First delay before re-sending throttled items; doubles on each attempt. */
    @WithDefault("200ms")
    @Bounds(min = "1ms", max = "1h")
    Duration itemRetryBackoff();

    /** Each secret set once and its file readable, and the TLS keys consistent: found at startup. */
    @Override
    default void check(String prefix) {
        Secrets.resolve(prefix + "password", password(), passwordFile());
        Secrets.resolve(prefix + "api-key", apiKey(), apiKeyFile());
        Secrets.resolve(prefix + "bearer-token", bearerToken(), bearerTokenFile());
        TlsChecks.check(prefix + "tls.", tls());
    }
}
