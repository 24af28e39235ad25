package dev.nitelog.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where the ByteNite API is and how nitelog authenticates to it. */
public interface ByteNiteConfig {

    /** Base URL of the Customer API ({@code /jobs}, {@code /logs}). */
    @WithDefault("https://api.bytenite.com/v1/customer")
    String apiUrl();

    /** Base URL of the Authentication API ({@code /access_token}). */
    @WithDefault("https://api.bytenite.com/v1/auth")
    String authUrl();

    /**
     * The ByteNite API key. Prefer {@link #apiKeyFile()} or the environment variable
     * {@code NITELOG_BYTENITE_API_KEY}. With neither set, nitelog runs against its embedded
     * simulator (the demo).
     */
    Optional<String> apiKey();

    /** A file whose content (trimmed) is the API key, e.g. a mounted Kubernetes Secret. */
    Optional<String> apiKeyFile();

    /** What precedes the access token in the Authorization header: none (raw) or bearer. */
    @WithDefault("none")
    TokenPrefix tokenPrefix();

    /** How long before its expiry an access token is renewed. */
    @WithDefault("60s")
    Duration tokenRenewBefore();

    /** Timeout of one HTTP request to ByteNite, connect plus response. */
    @WithDefault("30s")
    Duration requestTimeout();

    /** Retries of a failed request (429, 503, other 5xx, timeouts) before the poll fails. */
    @WithDefault("4")
    int maxRetries();

    /** First backoff delay between retries; doubles each time, with full jitter. */
    @WithDefault("500ms")
    Duration retryBackoff();

    /** Upper bound of one backoff delay, including a server's Retry-After. */
    @WithDefault("30s")
    Duration retryMaxBackoff();

    /**
     * Requests of one endpoint (token, jobs, logs) its circuit breaker looks back on: when half
     * of them failed (429, 5xx, timeouts, connection failures), the circuit opens and calls to
     * that endpoint fail at once, without a request, for {@link #circuitBreakerDelay()}.
     */
    @WithDefault("20")
    int circuitBreakerWindow();

    /** How long an open circuit stays open before a trial request may pass. */
    @WithDefault("30s")
    Duration circuitBreakerDelay();

    /**
     * At most this many requests per second to ByteNite, over every request nitelog makes (job
     * listing, logs, token exchange), with a burst of one second's worth. ByteNite documents no
     * rate limit; 20 per second serves 100 jobs at the default 5 s poll interval, and beyond that
     * polls queue and space out instead of hammering the API.
     */
    @WithDefault("20")
    int maxRequestsPerSecond();

    /**
     * The largest {@code /logs} body nitelog reads. A longer one is cut there: the complete lines
     * before the cut are shipped, a warning names the job, and the job is fetched from then on in
     * parts that fit (by service, then by task); a task whose log alone is longer is shipped up to
     * its cut, and what lay beyond is counted when the job retires. The parse streams: a larger body
     * costs time and bytes on the wire, not heap (the parser holds one chunk of records and a bounded
     * table whatever the body's size), so the default is the largest allowed and no task's log is cut
     * short unless an operator asks for it, e.g. to bound the traffic of one poll.
     */
    @WithDefault("16G")
    MemorySize maxResponseBytes();

    /**
     * The longest line nitelog reads, in bytes of its JSON text. A longer line is cut there: its
     * record holds the start, says how many bytes were dropped ({@code message_truncated_bytes}),
     * and is counted in {@code nitelog_lines_cut_total}. Bounds the heap one line can take (the
     * parser holds a whole line at once), however long the line ByteNite serves.
     */
    @WithDefault("1M")
    MemorySize maxLineBytes();
}
