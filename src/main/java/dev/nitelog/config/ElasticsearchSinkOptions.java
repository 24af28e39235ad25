package dev.nitelog.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The keys of sink type {@code elasticsearch} (Elasticsearch 7/8 and OpenSearch 1/2), flattened
 * directly under {@code nitelog.sinks.<name>}. Every key is optional or defaulted so that sinks of
 * other types resolve without them. Secrets ({@code password}, {@code api-key},
 * {@code bearer-token}) are never logged; each can instead be read from a file ({@code -file}).
 */
public interface ElasticsearchSinkOptions {

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
    MemorySize maxBulkBytes();

    /**
     * Installs nitelog's index template at startup if no template of that name exists yet; an
     * existing one is never overwritten.
     */
    @WithDefault("false")
    boolean installTemplate();

    /** Timeout of one HTTP request to the cluster. */
    @WithDefault("30s")
    Duration requestTimeout();

    /** How often items the cluster throttled (429) or failed (5xx) are re-sent within one write. */
    @WithDefault("5")
    int maxItemRetries();

    /** First delay before re-sending throttled items; doubles on each attempt. */
    @WithDefault("200ms")
    Duration itemRetryBackoff();
}
