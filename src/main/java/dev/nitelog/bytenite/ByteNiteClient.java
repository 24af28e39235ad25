package dev.nitelog.bytenite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nitelog.config.ByteNiteConfig;
import dev.nitelog.config.JobsConfig;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.Level;
import dev.nitelog.record.Service;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * {@link ByteNiteApi} over HTTP with the Quarkus REST Client (built programmatically: the URLs are
 * known only at runtime), SmallRye Fault Tolerance retries and one circuit breaker per endpoint,
 * access-token exchange and renewal, and the streaming {@code /logs} parser. Thread-safe: many
 * polls may run at once. Neither the API key nor a token ever appears in its exceptions, logs or
 * {@link #toString()}.
 */
@ApplicationScoped
public class ByteNiteClient implements ByteNiteApi, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ByteNiteClient.class);

    /**
     * Largest piece of a response body the HTTP client hands to the thread reading it (Vert.x's
     * default is 8 KiB). Each piece is one hand-off between the event loop and the reader (a wake-up
     * and a signal), which took over a third of the CPU of re-reading a 255 MB log; 64 KiB, the most
     * one socket read brings, makes them 8 times fewer. Only one piece is in flight per response.
     */
    private static final int BODY_CHUNK_BYTES = 64 * 1024;
    /** Stops paging a server that keeps saying hasNext: 1000 pages of 100 is far beyond any account. */
    static final int MAX_JOB_PAGES = 1000;
    /** Past a cut, a body is passed over up to this many times the limit to list its arrays. */
    static final int LISTING_FACTOR = 16;

    private final JobsConfig jobs;
    private final Duration requestTimeout;
    private final ByteNiteListener listener;
    private final AuthResource auth;
    private final CustomerResource customer;
    private final Failures failures;
    private final AccessTokens tokens;
    private final EndpointGuard tokenGuard;
    private final EndpointGuard jobsGuard;
    private final EndpointGuard logsGuard;
    private final RequestThrottle throttle;
    private final long maxResponseBytes;
    private final long listBytes;
    private final long maxLineBytes;
    private volatile boolean unorderedListingReported;
    private volatile boolean orderConfirmed;
    private final List<String> taskIds;
    private final List<String> levels;
    private final List<String> services;

    /** The CDI constructor: every {@link ByteNiteListener} bean observes this client. */
    @Inject
    public ByteNiteClient(NitelogConfig config, ByteNiteEndpoints endpoints, Instance<ByteNiteListener> listeners) {
        this(config.bytenite(), config.jobs(), endpoints, fanOut(listeners.stream().toList()), Clock.systemUTC(),
                RetryBackoff.FULL_JITTER);
    }

    /** For tests and tools: explicit config groups, one listener, a clock and the jitter function. */
    ByteNiteClient(ByteNiteConfig bytenite, JobsConfig jobs, ByteNiteEndpoints endpoints, ByteNiteListener listener,
                   Clock clock, LongUnaryOperator jitter) {
        this(bytenite, jobs, endpoints, listener, clock, jitter, RequestThrottle.Ticker.SYSTEM);
    }

    /** As above, with the time source of the request rate limit. */
    ByteNiteClient(ByteNiteConfig bytenite, JobsConfig jobs, ByteNiteEndpoints endpoints, ByteNiteListener listener,
                   Clock clock, LongUnaryOperator jitter, RequestThrottle.Ticker ticker) {
        this.jobs = jobs;
        this.requestTimeout = bytenite.requestTimeout();
        this.listener = listener;
        this.maxResponseBytes = bytenite.maxResponseBytes().asLongValue();
        this.maxLineBytes = bytenite.maxLineBytes().asLongValue();
        this.listBytes = maxResponseBytes > Long.MAX_VALUE / LISTING_FACTOR ? Long.MAX_VALUE
                : maxResponseBytes * LISTING_FACTOR;
        this.throttle = new RequestThrottle(bytenite.maxRequestsPerSecond(), ticker,
                (endpoint, waited, reason) -> listener.onThrottled(endpoint, waited,
                        reason == RequestThrottle.Reason.RETRY_AFTER));
        this.auth = restClient(endpoints.authUrl(), AuthResource.class, requestTimeout);
        this.customer = restClient(endpoints.apiUrl(), CustomerResource.class, requestTimeout);
        this.tokenGuard = new EndpointGuard(ApiEndpoint.TOKEN, bytenite, jitter, listener, throttle);
        this.jobsGuard = new EndpointGuard(ApiEndpoint.JOBS, bytenite, jitter, listener, throttle);
        this.logsGuard = new EndpointGuard(ApiEndpoint.LOGS, bytenite, jitter, listener, throttle);
        ByteNiteEndpoints.ApiKey apiKey = endpoints.apiKey() == null ? new ByteNiteEndpoints.ApiKey("")
                : endpoints.apiKey();
        AccessTokens[] holder = new AccessTokens[1]; // the redactor needs the tokens, the tokens the redactor
        this.failures = new Failures(new Redactor(apiKey::value,
                () -> holder[0] == null ? null : holder[0].currentValue()),
                clock);
        this.tokens = new AccessTokens(auth, apiKey, bytenite.tokenPrefix(), bytenite.tokenRenewBefore(),
                requestTimeout, tokenGuard, failures, clock, listener, throttle);
        holder[0] = tokens;
        this.taskIds = jobs.taskIds().orElse(List.of());
        this.levels = jobs.levels().orElse(List.of()).stream().map(Level::name).toList();
        this.services = jobs.services().orElse(List.of()).stream().map(Service::wireName).toList();
    }

    private static <T> T restClient(URI baseUri, Class<T> type, Duration timeout) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUri)
                .property(QuarkusRestClientProperties.MAX_CHUNK_SIZE, BODY_CHUNK_BYTES)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true) // statuses are ours to interpret, not exceptions
                .followRedirects(false)
                .build(type);
    }

    private static ByteNiteListener fanOut(List<ByteNiteListener> all) {
        if (all.isEmpty()) {
            return ByteNiteListener.NONE;
        }
        return all.size() == 1 ? all.get(0) : new FanOutListener(all);
    }

    @Override
    public List<JobStatus> listJobs() throws ByteNiteException {
        return listJobs(listed -> false);
    }

    @Override
    public List<JobStatus> listNewestJobs() throws ByteNiteException {
        if (jobs.discoveryOrderBy().isEmpty() || unorderedListingReported || !orderConfirmed) {
            return List.of(); // until a whole listing showed the order, the first page may not be the newest
        }
        return listJobs(listed -> true);
    }

    @Override
    public List<JobStatus> listJobs(ListingStop stop) throws ByteNiteException {
        int limit = Math.max(1, jobs.discoveryPageSize());
        String orderBy = jobs.discoveryOrderBy().orElse(null);
        Map<String, JobStatus> found = new LinkedHashMap<>(); // a job shifting pages mid-listing is kept once
        boolean newestFirst = orderBy != null;
        long offset = 0;
        for (int page = 0; page < MAX_JOB_PAGES; page++) {
            long pageOffset = offset;
            String what = "GET /jobs (offset " + pageOffset + ")";
            Wire.JobsPage body = jobsGuard.call(what, () -> customerAttempt(ApiEndpoint.JOBS, what, Optional.empty(),
                    header -> customer.listJobs(header, limit, pageOffset, orderBy),
                    in -> readJson(in, Wire.JobsPage.class, what)));
            List<JsonNode> data = body == null || body.data() == null ? List.of() : body.data();
            for (JsonNode node : data) {
                JobStatus status = toStatus(node);
                if (status != null) {
                    found.putIfAbsent(status.job().id(), status);
                }
            }
            boolean hasNext = body != null && body.pagination() != null && Boolean.TRUE.equals(body.pagination().hasNext());
            if (!hasNext || data.isEmpty()) {
                return new ArrayList<>(found.values());
            }
            List<JobStatus> listed = new ArrayList<>(found.values());
            newestFirst = newestFirst && newestFirst(listed);
            if (newestFirst && orderConfirmed && stop.enough(listed)) {
                return listed; // the rest is older than what the caller already knows
            }
            offset += data.size();
        }
        LOG.warnf("ByteNite GET /jobs still reported more jobs after %d pages; using the %d jobs listed so far",
                MAX_JOB_PAGES, found.size());
        return new ArrayList<>(found.values());
    }

    @Override
    public JobStatus getJob(String jobId) throws ByteNiteException {
        String what = "GET /jobs/" + jobId;
        Wire.JobEnvelope body = jobsGuard.call(what, () -> customerAttempt(ApiEndpoint.JOBS, what,
                Optional.of(jobId),
                header -> customer.getJob(header, jobId),
                in -> readJson(in, Wire.JobEnvelope.class, what)));
        JobStatus status = body == null ? null : toStatus(body.job());
        if (status == null) {
            listener.onAttempt(ApiEndpoint.JOBS, CallOutcome.PARSE_ERROR);
            throw new MalformedResponseException("ByteNite " + what + " returned no job with an id");
        }
        return status;
    }

    @Override
    public LogFetch fetchLogs(JobRef job, LineFilter filter) throws ByteNiteException {
        return fetchLogs(job, filter, RecordChunks.KEEP);
    }

    @Override
    public LogFetch fetchLogs(JobRef job, LineFilter filter, RecordChunks chunks) throws ByteNiteException {
        return fetchLogs(job, new Wire.LogsRequest(job.id(), taskIds, levels, services), filter, chunks);
    }

    /**
     * One part of the log, within the configured filters: the part's services among the configured
     * ones, and its tasks (which came from responses, so within the configured ones too). A part
     * the configured services leave nothing of is not requested.
     */
    @Override
    public LogFetch fetchLogs(JobRef job, LogPart part, LineFilter filter, RecordChunks chunks)
            throws ByteNiteException {
        List<String> partServices = part.services().stream().map(Service::wireName).toList();
        List<String> asked = services.isEmpty() ? partServices : partServices.isEmpty() ? services
                : services.stream().filter(partServices::contains).toList();
        if (!services.isEmpty() && !partServices.isEmpty() && asked.isEmpty()) {
            return new LogFetch(List.of(), 0, 0, 0);
        }
        List<String> tasks = part.taskIds().isEmpty() ? taskIds : part.taskIds();
        return fetchLogs(job, new Wire.LogsRequest(job.id(), tasks, levels, asked), filter, chunks);
    }

    private LogFetch fetchLogs(JobRef job, Wire.LogsRequest request, LineFilter filter, RecordChunks chunks)
            throws ByteNiteException {
        String what = "POST /logs for job " + job.id();
        return logsGuard.call(what, () -> customerAttempt(ApiEndpoint.LOGS, what, Optional.of(job.id()),
                header -> customer.logs(header, request),
                in -> new LogsParser(job, filter, new ParseLimits(maxResponseBytes, listBytes, maxLineBytes, Integer.MAX_VALUE), chunks)
                        .parse(in)));
    }

    /** True while any endpoint's circuit is open: ByteNite is failing and calls fail fast. */
    public boolean circuitOpen() {
        return tokenGuard.open() || jobsGuard.open() || logsGuard.open();
    }

    /** True while this endpoint's circuit is open. */
    public boolean circuitOpen(ApiEndpoint endpoint) {
        return switch (endpoint) {
            case TOKEN -> tokenGuard.open();
            case JOBS -> jobsGuard.open();
            case LOGS -> logsGuard.open();
        };
    }

    /** Access tokens obtained so far, the first one included; more than one means renewals happened. */
    public long tokenRenewals() {
        return tokens.renewals();
    }

    @Override
    @PreDestroy
    public void close() {
        throttle.close(); // polls waiting for a request slot give up now
        closeQuietly(auth);
        closeQuietly(customer);
    }

    @Override
    public String toString() {
        return "ByteNiteClient";
    }

    /**
     * One attempt at a customer route: token, request, one renewal on 401, then the body.
     * Failures worth retrying are {@link RetryableException}s for the guard around it.
     */
    private <T> T customerAttempt(ApiEndpoint endpoint, String what, Optional<String> jobId, Sender send,
                                  BodyReader<T> reader)
            throws ByteNiteException {
        AccessTokens.Token token = token(what);
        Response first = send(endpoint, what, send, token);
        Response response = first;
        if (first.getStatus() == 401) {
            first.close();
            tokens.invalidate(token); // renew once; a second 401 is an auth failure
            response = send(endpoint, what, send, token(what));
        }
        try (Response current = response) {
            int status = current.getStatus();
            if (status / 100 != 2) {
                ByteNiteException failure = failures.fromResponse(what, current, jobId);
                listener.onAttempt(endpoint, Failures.outcomeOf(status));
                throw failure;
            }
            T value = read(endpoint, what, current, reader);
            listener.onAttempt(endpoint, CallOutcome.OK);
            return value;
        }
    }

    private AccessTokens.Token token(String what) throws ByteNiteException {
        try {
            return tokens.current();
        } catch (RetryableException e) {
            // the token endpoint had its own retries: do not multiply them by this route's
            throw new ByteNiteException("ByteNite " + what + " not sent, no access token: " + e.getMessage(),
                    e.httpStatus(), e.grpcCode(), e);
        }
    }

    private Response send(ApiEndpoint endpoint, String what, Sender send, AccessTokens.Token token)
            throws ByteNiteException {
        throttle.acquire(endpoint, what);
        try {
            return send.send(token.header());
        } catch (ProcessingException e) {
            RetryableException failure = failures.fromTransport(what, e, requestTimeout);
            listener.onAttempt(endpoint, failure.outcome());
            throw failure;
        }
    }

    private <T> T read(ApiEndpoint endpoint, String what, Response response, BodyReader<T> reader)
            throws ByteNiteException {
        try (InputStream in = response.readEntity(InputStream.class)) {
            return reader.read(in == null ? InputStream.nullInputStream() : in);
        } catch (MalformedResponseException e) {
            listener.onAttempt(endpoint, CallOutcome.PARSE_ERROR);
            throw e;
        } catch (IOException | ProcessingException e) {
            // the body broke off (connection lost, read timeout): another attempt may get it whole
            RetryableException failure = failures.fromTransport(what, e, requestTimeout);
            listener.onAttempt(endpoint, failure.outcome());
            throw failure;
        }
    }

    /** Small JSON bodies (jobs); Jackson parse errors mean the body is not what the contract says. */
    private static <T> T readJson(InputStream in, Class<T> type, String what)
            throws IOException, MalformedResponseException {
        try {
            return Wire.MAPPER.readValue(in, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedResponseException("ByteNite " + what + " returned a body that is not the expected JSON"
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")")); // not e: its message quotes the body
        }
    }

    /**
     * True when every creation time listed is no later than the one before it: only then may a
     * listing stop early, and only once some listing showed two jobs in that order (one page of
     * one job proves nothing). An API that ignores {@code orderBy} is paged through whole, said once.
     */
    private boolean newestFirst(List<JobStatus> listed) {
        if (unorderedListingReported) {
            return false;
        }
        Instant previous = null;
        for (JobStatus status : listed) {
            Instant created = status.createdAt();
            if (created != null && previous != null && created.isAfter(previous)) {
                if (!unorderedListingReported) {
                    unorderedListingReported = true;
                    LOG.warnf("ByteNite GET /jobs is not sorted by nitelog.jobs.discovery-order-by (%s): every"
                            + " discovery pages through the whole job history", jobs.discoveryOrderBy().orElse(""));
                }
                return false;
            }
            if (created != null && previous != null) {
                orderConfirmed = true;
            }
            previous = created == null ? previous : created;
        }
        return true;
    }

    /** A job from the wire, or null when it is unusable (no id, fields of the wrong type). */
    private static JobStatus toStatus(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Wire.Job job;
        try {
            job = Wire.MAPPER.treeToValue(node, Wire.Job.class);
        } catch (IOException | IllegalArgumentException e) {
            LOG.debugf("skipping a job ByteNite listed with fields of unexpected types: %s", e.getClass().getSimpleName());
            return null;
        }
        if (job.id() == null || job.id().isBlank()) {
            return null;
        }
        String state = job.state() == null ? "" : job.state();
        return new JobStatus(new JobRef(job.id(), job.name()), state, JobClassifier.classify(state, job.endedAt()),
                time(job.endedAt()), time(job.createdAt()));
    }

    /** A set endedAt already makes the job terminal; an unparseable time is just no time. */
    private static Instant time(String wire) {
        if (wire == null || wire.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(wire).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debugf("closing a ByteNite REST client failed: %s", e.getClass().getSimpleName());
        }
    }

    @FunctionalInterface
    private interface Sender {
        Response send(String authorizationHeader);
    }

    @FunctionalInterface
    private interface BodyReader<T> {
        T read(InputStream body) throws IOException, ByteNiteException;
    }

    /** Several listener beans behind one; a throwing listener must not break a poll. */
    private record FanOutListener(List<ByteNiteListener> all) implements ByteNiteListener {
        @Override
        public void onAttempt(ApiEndpoint endpoint, CallOutcome outcome) {
            each(l -> l.onAttempt(endpoint, outcome));
        }

        @Override
        public void onRetry(ApiEndpoint endpoint, CallOutcome cause, Duration delay, boolean retryAfter) {
            each(l -> l.onRetry(endpoint, cause, delay, retryAfter));
        }

        @Override
        public void onTokenRenewal() {
            each(ByteNiteListener::onTokenRenewal);
        }

        @Override
        public void onCircuitChange(ApiEndpoint endpoint, boolean open) {
            each(l -> l.onCircuitChange(endpoint, open));
        }

        @Override
        public void onCircuitState(ApiEndpoint endpoint, CircuitState state) {
            each(l -> l.onCircuitState(endpoint, state));
        }

        @Override
        public void onThrottled(ApiEndpoint endpoint, Duration waited, boolean retryAfter) {
            each(l -> l.onThrottled(endpoint, waited, retryAfter));
        }

        private void each(java.util.function.Consumer<ByteNiteListener> call) {
            for (ByteNiteListener l : all) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    LOG.debugf("a ByteNite listener failed: %s", e.getClass().getSimpleName());
                }
            }
        }
    }
}
