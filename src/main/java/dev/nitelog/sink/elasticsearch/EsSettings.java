package dev.nitelog.sink.elasticsearch;

import dev.nitelog.config.Secrets;
import dev.nitelog.sink.TlsContexts;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The validated settings of one Elasticsearch sink. {@link #toString()} leaves the credentials out.
 *
 * @param authorization the {@code Authorization} header value, if any (secret)
 * @param secrets       every credential value, to blank out of messages (secret)
 * @param ssl           null for the JVM default
 * @param dataStream    null to write into {@link #index()}
 */
record EsSettings(String name, List<URI> urls, IndexName index, String dataStream, Optional<String> authorization,
                  List<String> secrets, SSLContext ssl, int maxBulkBytes, boolean installTemplate,
                  Duration requestTimeout, int maxItemRetries, Duration itemRetryBackoff) {

    /** @throws IllegalArgumentException naming the key, the value and the fix */
    static EsSettings of(String name, ElasticsearchSinkOptions o) {
        String key = "nitelog.sinks." + name + ".";
        List<URI> urls = urls(key + "urls", o.urls().orElse(List.of()));
        IndexName index;
        try {
            index = IndexName.parse(o.index());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "index=" + o.index() + ": " + e.getMessage());
        }
        String literal = index.pattern();
        if (!literal.equals(literal.toLowerCase())) {
            throw new IllegalArgumentException(key + "index=" + o.index()
                    + " has upper-case letters, which index names cannot: use lower case");
        }
        long maxBytes = o.maxBulkBytes().asLongValue();
        if (maxBytes < 1024 || maxBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(key + "max-bulk-bytes=" + maxBytes
                    + " is out of range: use a value from 1K to 1G (e.g. 5M)");
        }
        if (o.maxItemRetries() < 0 || o.maxItemRetries() > 100) {
            throw new IllegalArgumentException(key + "max-item-retries=" + o.maxItemRetries()
                    + " is out of range: use a value from 0 to 100");
        }
        if (o.requestTimeout().toMillis() < 100) {
            throw new IllegalArgumentException(key + "request-timeout=" + o.requestTimeout()
                    + " is too short: use at least 100ms");
        }
        if (o.itemRetryBackoff().isNegative()) {
            throw new IllegalArgumentException(key + "item-retry-backoff=" + o.itemRetryBackoff()
                    + " is negative: use e.g. 200ms");
        }
        List<String> secrets = new ArrayList<>();
        Optional<String> authorization = authorization(key, o, secrets);
        boolean https = urls.stream().anyMatch(u -> u.getScheme().equals("https"));
        SSLContext ssl = https ? TlsContexts.create(key, o.tls()) : null;
        return new EsSettings(name, urls, index, o.dataStream().filter(s -> !s.isBlank()).orElse(null),
                authorization, List.copyOf(secrets), ssl, (int) maxBytes, o.installTemplate(),
                o.requestTimeout(), o.maxItemRetries(), o.itemRetryBackoff());
    }

    private static List<URI> urls(String key, List<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(key + " is not set: list the cluster's HTTP URLs, e.g. "
                    + key + "=http://localhost:9200");
        }
        List<URI> urls = new ArrayList<>();
        for (String value : values) {
            URI uri;
            try {
                uri = URI.create(value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + value + " is not a URL: use e.g. https://es.example.com:9200");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(key + "=" + value + " is not an http(s) URL: use e.g. https://es.example.com:9200");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException(key + " has credentials in a URL: use username and password instead");
            }
            String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            urls.add(uri.resolve(path.endsWith("/") ? path : path + "/")); // a proxy prefix is kept
        }
        return List.copyOf(urls);
    }

    private static Optional<String> authorization(String key, ElasticsearchSinkOptions o, List<String> secrets) {
        Optional<String> password = Secrets.resolve(key + "password", o.password(), o.passwordFile());
        Optional<String> apiKey = Secrets.resolve(key + "api-key", o.apiKey(), o.apiKeyFile());
        Optional<String> bearer = Secrets.resolve(key + "bearer-token", o.bearerToken(), o.bearerTokenFile());
        int kinds = (o.username().isPresent() ? 1 : 0) + (apiKey.isPresent() ? 1 : 0) + (bearer.isPresent() ? 1 : 0);
        if (kinds > 1) {
            throw new IllegalArgumentException(key + "username, " + key + "api-key and " + key
                    + "bearer-token are alternatives: set only one of them");
        }
        if (o.username().isPresent() != password.isPresent()) {
            throw new IllegalArgumentException(key + "username and " + key + "password go together: set both or neither");
        }
        if (o.username().isPresent()) {
            secrets.add(password.get());
            String basic = Base64.getEncoder().encodeToString(
                    (o.username().get() + ":" + password.get()).getBytes(StandardCharsets.UTF_8));
            secrets.add(basic);
            return Optional.of("Basic " + basic);
        }
        if (apiKey.isPresent()) {
            secrets.add(apiKey.get());
            return Optional.of("ApiKey " + apiKey.get());
        }
        if (bearer.isPresent()) {
            secrets.add(bearer.get());
            return Optional.of("Bearer " + bearer.get());
        }
        return Optional.empty();
    }

    /** The template installed with {@code install-template}. */
    String templateName() {
        return "nitelog-" + name.toLowerCase().replaceAll("[^a-z0-9_-]", "-");
    }

    String indexPattern() {
        return dataStream != null ? dataStream : index.pattern();
    }

    @Override
    public String toString() {
        return "EsSettings[name=" + name + ", urls=" + urls + ", index=" + indexPattern()
                + ", auth=" + authorization.map(a -> a.substring(0, a.indexOf(' '))).orElse("none")
                + ", maxBulkBytes=" + maxBulkBytes + ", requestTimeout=" + requestTimeout + "]";
    }
}
