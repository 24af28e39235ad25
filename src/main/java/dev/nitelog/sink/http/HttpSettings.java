package dev.nitelog.sink.http;

import dev.nitelog.config.Secrets;
import dev.nitelog.sink.TlsContexts;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checked settings of one http sink. {@link #toString()} names no credential and no header value.
 *
 * @param headers       user headers plus {@code Authorization} when configured (values secret)
 * @param secrets       every credential value, never to appear in a message
 * @param ssl           null for the JVM default
 */
record HttpSettings(String name, URI url, HttpSinkOptions.BodyFormat format, Map<String, String> headers,
                    String authScheme, List<String> secrets, boolean gzip, SSLContext ssl, Duration requestTimeout,
                    Duration connectTimeout, int maxRetries, Duration retryWait, Duration maxRetryAfter) {

    /** Headers the JDK client sets itself or refuses, and those nitelog sets for the body. */
    private static final Set<String> OWN = Set.of("content-type", "content-encoding", "content-length", "host",
            "connection", "expect", "upgrade", "transfer-encoding");

    /** @throws IllegalArgumentException (or InvalidConfigException) naming the key, the value and the fix */
    static HttpSettings of(String name, HttpSinkOptions o) {
        String key = "nitelog.sinks." + name + ".";
        URI url = url(key + "url", o.url().filter(u -> !u.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                key + "url is required for an http sink: set the receiver's URL, e.g. http://vector:8080/")));
        List<String> secrets = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : o.headers().entrySet()) {
            String field = header.getKey();
            if (!field.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException(key + "headers." + field + " is not a valid header name: use letters,"
                        + " digits and dashes, e.g. X-Scope-OrgID");
            }
            if (OWN.contains(field.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(key + "headers." + field + " is set by nitelog itself: remove it"
                        + (field.equalsIgnoreCase("content-encoding") ? " (gzip: true compresses the body)" : ""));
            }
            if (header.getValue().indexOf('\n') >= 0 || header.getValue().indexOf('\r') >= 0) {
                throw new IllegalArgumentException(key + "headers." + field + " has a line break in its value: remove it");
            }
            headers.put(field, header.getValue());
            secrets.add(header.getValue()); // e.g. Authorization: Splunk <token>
        }
        String scheme = authorization(key, o, headers, secrets);
        SSLContext ssl = url.getScheme().equals("https") ? TlsContexts.create(key, o.tls()) : null;
        return new HttpSettings(name, url, o.format(), Map.copyOf(headers), scheme, List.copyOf(secrets), o.gzip(), ssl,
                o.requestTimeout(), o.connectTimeout(), o.maxRetries(), o.retryWait(), o.maxRetryAfter());
    }

    private static URI url(String key, String value) {
        URI uri;
        try {
            uri = URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a URL: use e.g. https://vector.example.com:8080/");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(key + "=" + value + " is not an http(s) URL: use e.g. https://vector.example.com:8080/");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(key + " has credentials in the URL: use username and password-file instead");
        }
        return uri;
    }

    /** Adds the Authorization header of basic or bearer auth; returns its scheme for the log, or "none". */
    private static String authorization(String key, HttpSinkOptions o, Map<String, String> headers, List<String> secrets) {
        Optional<String> password = Secrets.resolve(key + "password", o.password(), o.passwordFile());
        Optional<String> bearer = Secrets.resolve(key + "bearer-token", o.bearerToken(), o.bearerTokenFile());
        if (o.username().isPresent() && bearer.isPresent()) {
            throw new IllegalArgumentException(key + "username and " + key + "bearer-token are alternatives: set only one");
        }
        if (o.username().isPresent() != password.isPresent()) {
            throw new IllegalArgumentException(key + "username and " + key + "password (or password-file) go together:"
                    + " set both or neither");
        }
        boolean own = o.username().isPresent() || bearer.isPresent();
        if (own && headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("authorization"))) {
            throw new IllegalArgumentException(key + "headers.Authorization is set, and so is " + key
                    + (bearer.isPresent() ? "bearer-token" : "username") + ": keep only one of them");
        }
        if (o.username().isPresent()) {
            String basic = Base64.getEncoder().encodeToString(
                    (o.username().get() + ":" + password.get()).getBytes(StandardCharsets.UTF_8));
            secrets.add(password.get());
            secrets.add(basic);
            headers.put("Authorization", "Basic " + basic);
            return "basic";
        }
        if (bearer.isPresent()) {
            secrets.add(bearer.get());
            headers.put("Authorization", "Bearer " + bearer.get());
            return "bearer";
        }
        return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("authorization")) ? "header" : "none";
    }

    /** The URL without query, for messages and dead letters: a query may carry a token. */
    String where() {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    @Override
    public String toString() {
        return "HttpSettings[name=" + name + ", url=" + where() + ", format=" + format.name().toLowerCase(Locale.ROOT)
                .replace('_', '-') + ", gzip=" + gzip + ", auth=" + authScheme + ", headers=" + headers.keySet()
                + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries + "]";
    }
}
