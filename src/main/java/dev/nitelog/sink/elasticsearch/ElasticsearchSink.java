package dev.nitelog.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.DeadLetters;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.Utf8Buffer;
import dev.nitelog.sink.WriteReach;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes records to Elasticsearch or OpenSearch with the {@code _bulk} API, one {@code create}
 * per record with the record id as {@code _id}: re-sending a batch never duplicates a document
 * (the copy already there answers 409, which counts as delivered).
 *
 * <p>Per item: 429 and 5xx items are re-sent alone with backoff, up to {@code max-item-retries}
 * times within the write, then the write fails retriably. Only an error in the document itself
 * ({@link BulkResponse#DOCUMENT_ERRORS}: a mapping or parsing error, an illegal argument) goes to
 * the dead letters with the engine's reason. Any other item error is about the cluster (403
 * security, 404 index_not_found with auto-create off, index_closed_exception, a
 * cluster_block_exception for a read-only or write block, an unknown type) and fails the whole
 * write retriably at once: the worker backs off and re-sends the batch until the operator has fixed
 * the cluster (documents already stored answer 409 and count as delivered), so nothing is
 * dead-lettered and committed that a fixed cluster would have taken. Dead letters are written only
 * when the write as a whole succeeds, so a retried batch never dead-letters a record twice. Per
 * request: 413 halves the request down to single
 * documents (a single document too large is dead-lettered); 401/403 fail the sink; connection
 * errors, timeouts, 429 and 5xx fail over to the next URL and, once all failed, fail retriably.
 *
 * <p>Each write is durable when it returns (the engine acknowledged it to its translog), so
 * {@link #flush()} has nothing to do.
 */
public final class ElasticsearchSink implements Sink {
    private static final Logger LOG = Logger.getLogger(ElasticsearchSink.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final String NDJSON = "application/x-ndjson";
    private static final long HEALTH_CACHE_NANOS = Duration.ofSeconds(3).toNanos();
    private static final int RETAINED_BUFFER = 8 * 1024 * 1024;

    private record Health(SinkHealth health, long atNanos) {
    }

    private final EsSettings settings;
    private final EsHttp http;
    private final BulkEncoder encoder;
    private final Utf8Buffer buffer = new Utf8Buffer(256 * 1024);
    private boolean templateChecked;
    private volatile Health lastHealth;

    ElasticsearchSink(EsSettings settings) {
        this.settings = settings;
        HttpClient.Builder client = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1);
        if (settings.ssl() != null) {
            client.sslContext(settings.ssl());
        }
        this.http = new EsHttp(settings.name(), settings.urls(), client.build(), settings.authorization(),
                settings.requestTimeout(), settings.secrets());
        this.encoder = new BulkEncoder(settings.index(), settings.dataStream());
    }

    @Override
    public String name() {
        return settings.name();
    }

    private record Rejection(LogRecord record, String reason) {
    }

    /** A write returns once every bulk request was answered. */
    @Override
    public WriteReach writeReach() {
        return WriteReach.DESTINATION;
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        ensureTemplate();
        List<LogRecord> records = batch.records();
        List<Rejection> rejected = new ArrayList<>();
        DeadLetters deferred = (record, reason) -> rejected.add(new Rejection(record, reason));
        try {
            int next = 0;
            while (next < records.size()) {
                int start = next;
                buffer.reset();
                while (next < records.size()) {
                    int mark = buffer.size();
                    encoder.append(records.get(next), buffer);
                    if (buffer.size() > settings.maxBulkBytes() && next > start) {
                        buffer.truncate(mark); // starts the next request
                        break;
                    }
                    next++;
                }
                deliver(records.subList(start, next), deferred, true);
            }
        } finally {
            buffer.trim(RETAINED_BUFFER);
        }
        for (Rejection rejection : rejected) {
            batch.deadLetters().reject(rejection.record(), rejection.reason());
        }
    }

    /**
     * Sends {@code items} (already in the buffer when {@code encoded}), re-sending the throttled
     * ones alone until none is left or the retries are spent.
     */
    private void deliver(List<LogRecord> items, DeadLetters deadLetters, boolean encoded) throws SinkException {
        List<LogRecord> pending = items;
        for (int attempt = 0; ; attempt++) {
            if (!encoded) {
                encode(pending);
            }
            encoded = false;
            BulkResponse response = post(pending.size());
            if (response == null) { // 413
                split(pending, deadLetters);
                return;
            }
            if (response.allOk()) {
                return;
            }
            failOnClusterError(response);
            List<LogRecord> retry = new ArrayList<>();
            BulkResponse.Item firstRetriable = null;
            for (int i = 0; i < pending.size(); i++) {
                BulkResponse.Item item = response.items().get(i);
                if (item.ok()) {
                    continue;
                }
                if (item.retriable()) {
                    firstRetriable = firstRetriable == null ? item : firstRetriable;
                    retry.add(pending.get(i));
                } else {
                    LOG.tracef("Sink %s rejected %s: %s", name(), pending.get(i).id(), item.describe());
                    deadLetters.reject(pending.get(i), item.describe());
                }
            }
            if (retry.isEmpty()) {
                return;
            }
            if (attempt >= settings.maxItemRetries()) {
                throw new RetriableSinkException("sink " + name() + ": " + retry.size() + " documents still refused after "
                        + settings.maxItemRetries() + " retries (" + firstRetriable.describe() + ")");
            }
            pause(attempt);
            pending = retry;
        }
    }

    /** Throws when an item was refused for a reason about the cluster: the whole batch waits for it. */
    private void failOnClusterError(BulkResponse response) throws RetriableSinkException {
        int count = 0;
        BulkResponse.Item first = null;
        for (BulkResponse.Item item : response.items()) {
            if (!item.ok() && !item.retriable() && !item.documentError()) {
                first = first == null ? item : first;
                count++;
            }
        }
        if (first != null) {
            throw new RetriableSinkException("sink " + name() + ": the cluster refused " + count + " documents for a"
                    + " reason about the index or cluster, not the documents (" + first.describe() + "); retrying"
                    + " with backoff until it accepts them (fix the index, its blocks or the user's privileges)");
        }
    }

    private void encode(List<LogRecord> records) {
        buffer.reset();
        for (LogRecord record : records) {
            encoder.append(record, buffer);
        }
    }

    /** Halves a request the cluster found too large; a single document too large is a dead letter. */
    private void split(List<LogRecord> items, DeadLetters deadLetters) throws SinkException {
        if (items.size() == 1) {
            deadLetters.reject(items.get(0), "413 request_entity_too_large: the document alone is larger than the"
                    + " cluster accepts (http.max_content_length)");
            return;
        }
        int half = items.size() / 2;
        deliver(List.copyOf(items.subList(0, half)), deadLetters, false);
        deliver(List.copyOf(items.subList(half, items.size())), deadLetters, false);
    }

    /** Posts the buffer; null on 413. */
    private BulkResponse post(int operations) throws SinkException {
        try (EsHttp.Response r = http.send("POST", "_bulk", buffer.array(), buffer.size(), NDJSON,
                settings.requestTimeout())) {
            if (r.status() == 413) {
                return null;
            }
            if (r.status() != 200) {
                throw new SinkException("sink " + name() + ": " + r.url().getAuthority() + " refused the bulk request ("
                        + r.status() + http.errorText(r) + ")");
            }
            BulkResponse response = BulkResponse.parse(r.body());
            if (!response.allOk() && response.items().size() != operations) {
                throw new RetriableSinkException("sink " + name() + ": the bulk response has " + response.items().size()
                        + " items for " + operations + " operations");
            }
            return response;
        } catch (IOException e) {
            throw new RetriableSinkException("sink " + name() + ": the bulk response could not be read: " + e.getMessage(), e);
        }
    }

    private void pause(int attempt) throws RetriableSinkException {
        long millis = settings.itemRetryBackoff().toMillis() << Math.min(attempt, 10);
        try {
            Thread.sleep(Math.min(millis, 30_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableSinkException("sink " + name() + ": interrupted while backing off");
        }
    }

    /** Installs nitelog's index template once, unless one of that name exists: a user's own template wins. */
    private void ensureTemplate() throws SinkException {
        if (!settings.installTemplate() || templateChecked) {
            return;
        }
        String path = "_index_template/" + settings.templateName();
        try (EsHttp.Response head = http.send("HEAD", path)) {
            if (head.status() == 200) {
                LOG.infof("Sink %s: index template %s exists, leaving it as it is", name(), settings.templateName());
                templateChecked = true;
                return;
            }
        }
        byte[] body = IndexTemplate.body(settings.indexPattern(), settings.dataStream() != null)
                .getBytes(StandardCharsets.UTF_8);
        try (EsHttp.Response put = http.send("PUT", path + "?create=true", body, body.length, "application/json",
                settings.requestTimeout())) {
            String answer = http.errorText(put);
            // a 400 "already exists" means another instance won the race: theirs is as good as ours
            if (put.status() != 200 && !answer.contains("already exists")) {
                throw new SinkException("sink " + name() + ": could not install index template "
                        + settings.templateName() + " (" + put.status() + answer + "): install it yourself"
                        + " (docs/elasticsearch.md) and set install-template=false");
            }
        }
        LOG.infof("Sink %s: installed index template %s for %s", name(), settings.templateName(), settings.indexPattern());
        templateChecked = true;
    }

    /** {@code GET _cluster/health}: up unless unreachable or red; answered from a short cache. */
    @Override
    public SinkHealth check() {
        Health cached = lastHealth;
        if (cached != null && System.nanoTime() - cached.atNanos() < HEALTH_CACHE_NANOS) {
            return cached.health();
        }
        SinkHealth health = probe();
        lastHealth = new Health(health, System.nanoTime());
        return health;
    }

    private SinkHealth probe() {
        Duration timeout = settings.requestTimeout().compareTo(Duration.ofSeconds(5)) < 0
                ? settings.requestTimeout() : Duration.ofSeconds(5);
        try (EsHttp.Response r = http.send("GET", "_cluster/health", timeout)) {
            if (r.status() != 200) {
                return SinkHealth.down(r.url().getAuthority() + " answered " + r.status() + " to _cluster/health");
            }
            String status = clusterStatus(r);
            String detail = r.url().getAuthority() + " cluster status " + status;
            return "red".equals(status) ? SinkHealth.down(detail) : SinkHealth.up(detail);
        } catch (SinkException | IOException | RuntimeException e) {
            return SinkHealth.down(e.getMessage());
        }
    }

    private static String clusterStatus(EsHttp.Response r) throws IOException {
        try (JsonParser p = JSON.createParser(r.body())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "unknown";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("status".equals(field)) {
                    return p.getValueAsString();
                }
                p.skipChildren();
            }
            return "unknown";
        }
    }

    @Override
    public void close() {
        // HttpClient on Java 17 has no close(); its threads end with the client
    }

    @Override
    public String toString() {
        return "ElasticsearchSink[" + settings + "]";
    }
}
