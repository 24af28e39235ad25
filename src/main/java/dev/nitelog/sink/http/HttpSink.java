package dev.nitelog.sink.http;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.WriteReach;
import dev.nitelog.sink.Utf8Buffer;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * POSTs each batch to one URL: NDJSON (one canonical JSON record per line, {@link RecordJson}) or a
 * JSON array, optionally gzipped, with the configured headers and auth. Every record carries its id
 * ({@code id}), and every POST an {@code X-Nitelog-Batch-Id} derived from the ids it holds, so a
 * receiver can drop what a re-send repeats.
 *
 * <p>Per answer: 2xx, the batch is delivered. 429, 408, 425, 5xx, a timeout or a connection error
 * is sent again within the write, up to {@code max-retries} times, after the receiver's
 * {@code Retry-After} (seconds or an HTTP date) or else {@code retry-wait} doubling; then the write
 * fails retriably and the worker re-sends the batch with its own backoff (a {@code Retry-After}
 * beyond {@code max-retry-after} fails the write at once, and the next write waits for it). 413
 * halves the request down to single records, and a single record too large is dead-lettered.
 * 401, 403, 407 (credentials), 404, 405 and 3xx (the URL) fail the write: the records are not at
 * fault, so they wait. Any other 4xx sends the request's records to the dead letters with the
 * status, never the receiver's body (it may echo a request header). Dead letters are written only
 * when the whole write succeeds, so a retried batch never dead-letters a record twice.
 *
 * <p>A write is durable when it returns (the receiver answered 2xx), so {@link #flush()} has
 * nothing to do. {@link #check()} reports the last outcome without a request.
 */
public final class HttpSink implements Sink {
    private static final Logger LOG = Logger.getLogger(HttpSink.class);
    private static final int RETAINED_BUFFER = 8 * 1024 * 1024;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(10);

    private record Rejection(LogRecord record, String reason) {
    }

    /** One answer, or the I/O failure instead (status -1); {@code retryAfter} from the header. */
    private record Outcome(int status, Optional<Duration> retryAfter, Optional<String> failure) {
    }

    private final HttpSettings settings;
    private final HttpClient client;
    private final Clock clock;
    private final Utf8Buffer buffer = new Utf8Buffer(256 * 1024);
    private final MessageDigest digest;
    private long notBeforeNanos; // a Retry-After carried over to the next write
    private boolean waitPending;
    private volatile SinkHealth health = SinkHealth.up("no batch sent yet");

    HttpSink(HttpSettings settings) {
        this(settings, Clock.systemUTC());
    }

    HttpSink(HttpSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (settings.ssl() != null) {
            builder.sslContext(settings.ssl());
        }
        this.client = builder.build();
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    @Override
    public String name() {
        return settings.name();
    }

    /** A write returns once the endpoint answered 2xx. */
    @Override
    public WriteReach writeReach() {
        return WriteReach.DESTINATION;
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        List<Rejection> rejected = new ArrayList<>();
        try {
            deliver(batch.records(), rejected);
        } catch (SinkException e) {
            health = SinkHealth.down(e.getMessage());
            throw e;
        } finally {
            buffer.trim(RETAINED_BUFFER);
        }
        for (Rejection rejection : rejected) {
            batch.deadLetters().reject(rejection.record(), rejection.reason());
        }
        health = SinkHealth.up(settings.where() + " accepted the last batch");
    }

    private void deliver(List<LogRecord> records, List<Rejection> rejected) throws SinkException {
        byte[] body = encode(records);
        String batchId = batchId(records);
        for (int attempt = 0; ; attempt++) {
            awaitRetryAfter();
            Outcome outcome = post(body, batchId);
            int status = outcome.status();
            if (status >= 200 && status < 300) {
                return;
            }
            if (status == 413) {
                split(records, rejected);
                return;
            }
            String what = outcome.failure().orElse(settings.where() + " answered " + status);
            if (retriable(status)) {
                Optional<Duration> asked = outcome.retryAfter();
                if (asked.isPresent() && asked.get().compareTo(settings.maxRetryAfter()) > 0) {
                    retryNotBefore(asked.get());
                    throw new RetriableSinkException("sink " + name() + ": " + what + " with Retry-After "
                            + asked.get().toSeconds() + "s, longer than max-retry-after; the next write waits for it");
                }
                if (attempt >= settings.maxRetries()) {
                    asked.ifPresent(this::retryNotBefore);
                    throw new RetriableSinkException("sink " + name() + ": " + what + " (" + (attempt + 1)
                            + (attempt == 0 ? " attempt)" : " attempts)"));
                }
                pause(asked.isPresent() ? asked.get() : backoff(attempt));
                continue;
            }
            if (status == 401 || status == 403 || status == 407) {
                throw new SinkException("sink " + name() + ": " + what + ", refusing the credentials: check username"
                        + " and password(-file), bearer-token(-file) or the Authorization header");
            }
            if (status == 404 || status == 405 || (status >= 300 && status < 400)) {
                throw new SinkException("sink " + name() + ": " + what + ": check nitelog.sinks." + name() + ".url");
            }
            String reason = "http " + status + " from " + settings.where()
                    + ": the receiver rejected the request (its response body is not kept)";
            LOG.tracef("Sink %s: %d records rejected with %d", name(), records.size(), status);
            for (LogRecord record : records) {
                rejected.add(new Rejection(record, reason));
            }
            return;
        }
    }

    /** Halves a request the receiver found too large; a single record too large is a dead letter. */
    private void split(List<LogRecord> records, List<Rejection> rejected) throws SinkException {
        if (records.size() == 1) {
            rejected.add(new Rejection(records.get(0), "http 413 from " + settings.where()
                    + ": the record alone is larger than the receiver accepts"));
            return;
        }
        int half = records.size() / 2;
        deliver(List.copyOf(records.subList(0, half)), rejected);
        deliver(List.copyOf(records.subList(half, records.size())), rejected);
    }

    private static boolean retriable(int status) {
        return status < 0 || status == 408 || status == 425 || status == 429 || status >= 500;
    }

    private Outcome post(byte[] body, String batchId) throws RetriableSinkException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.requestTimeout())
                .header("Content-Type", settings.format() == HttpSinkOptions.BodyFormat.NDJSON
                        ? "application/x-ndjson" : "application/json")
                .header("User-Agent", "nitelog")
                .header("X-Nitelog-Batch-Id", batchId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        settings.headers().forEach(request::header);
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new Outcome(response.statusCode(), response.headers().firstValue("Retry-After")
                    .flatMap(value -> RetryAfter.parse(value, clock.instant())), Optional.empty());
        } catch (HttpTimeoutException e) {
            return new Outcome(-1, Optional.empty(), Optional.of(settings.where() + " did not answer within "
                    + settings.requestTimeout().toMillis() + "ms (" + e.getClass().getSimpleName() + ")"));
        } catch (IOException e) {
            String tls = e instanceof SSLException || e.getCause() instanceof SSLException
                    ? " (TLS: check nitelog.sinks." + name() + ".tls.ca-file and the receiver's certificate)" : "";
            return new Outcome(-1, Optional.empty(), Optional.of(settings.where() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + withoutSecrets(e.getMessage())) + tls));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableSinkException("sink " + name() + ": interrupted while posting to " + settings.where());
        }
    }

    private String withoutSecrets(String message) {
        String out = message;
        for (String secret : settings.secrets()) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }

    private byte[] encode(List<LogRecord> records) {
        buffer.reset();
        boolean array = settings.format() == HttpSinkOptions.BodyFormat.JSON_ARRAY;
        if (array) {
            buffer.appendByte('[');
        }
        for (int i = 0; i < records.size(); i++) {
            if (array && i > 0) {
                buffer.appendByte(',');
            }
            RecordJson.append(records.get(i), buffer);
            if (!array) {
                buffer.appendByte('\n');
            }
        }
        if (array) {
            buffer.appendByte(']');
        }
        if (!settings.gzip()) {
            return buffer.toByteArray();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(buffer.size() / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED); // logs compress well even so; the CPU is the daemon's
            }
        }) {
            buffer.writeTo(gzip);
        } catch (IOException e) {
            throw new IllegalStateException("gzip into memory failed", e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** A digest of the records' ids: the same records give the same id, whenever they are sent. */
    private String batchId(List<LogRecord> records) {
        byte[] word = new byte[16];
        for (LogRecord record : records) {
            long high = record.id().high();
            long low = record.id().low();
            for (int i = 0; i < 8; i++) {
                word[i] = (byte) (high >>> (56 - 8 * i));
                word[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
            digest.update(word);
        }
        byte[] hash = digest.digest();
        char[] hex = new char[32];
        for (int i = 0; i < 16; i++) {
            hex[2 * i] = HEX[(hash[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[hash[i] & 0xF];
        }
        return new String(hex);
    }

    private Duration backoff(int attempt) {
        Duration wait = settings.retryWait().multipliedBy(1L << Math.min(attempt, 20));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    private void retryNotBefore(Duration wait) {
        Duration capped = wait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : wait;
        notBeforeNanos = System.nanoTime() + capped.toNanos();
        waitPending = true;
    }

    /** Waits out a Retry-After that an earlier write could not wait for. */
    private void awaitRetryAfter() throws RetriableSinkException {
        if (!waitPending) {
            return;
        }
        long left = notBeforeNanos - System.nanoTime();
        waitPending = false;
        if (left > 0) {
            pause(Duration.ofNanos(left));
        }
    }

    private void pause(Duration wait) throws RetriableSinkException {
        try {
            Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableSinkException("sink " + name() + ": interrupted while waiting to retry");
        }
    }

    /** The last write's outcome: no request, so it is as cheap as a probe can be. */
    @Override
    public SinkHealth check() {
        return health;
    }

    @Override
    public void close() {
        // HttpClient on Java 17 has no close(); its threads end with the client
    }

    @Override
    public String toString() {
        return "HttpSink[" + settings + "]";
    }
}
