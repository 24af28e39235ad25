package dev.nitelog.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one HTTP handler: matches the route, counts it, injects faults the way a gateway in front
 * of the API would (before the token is looked at), checks the token, then dispatches.
 */
final class ApiHandler implements HttpHandler {

    static final String AUTH = "/v1/auth";
    static final String CUSTOMER = "/v1/customer";

    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

    private final Http http;
    private final ObjectMapper mapper;
    private final TokenStore tokens;
    private final FaultInjector faults;
    private final StatsRecorder stats;
    private final JobsResource jobsResource;
    private final LogsResource logsResource;
    private final ScheduledExecutorService delays;
    private final Executor workers;
    private volatile byte[] apiKeyDigest;

    ApiHandler(Http http, ObjectMapper mapper, TokenStore tokens, FaultInjector faults, StatsRecorder stats,
               JobsResource jobsResource, LogsResource logsResource, ScheduledExecutorService delays,
               Executor workers, String apiKey) {
        this.http = http;
        this.mapper = mapper;
        this.tokens = tokens;
        this.faults = faults;
        this.stats = stats;
        this.jobsResource = jobsResource;
        this.logsResource = logsResource;
        this.delays = delays;
        this.workers = workers;
        this.apiKeyDigest = digest(apiKey);
    }

    /** The valid API key from now on (a rotation). */
    void apiKey(String apiKey) {
        this.apiKeyDigest = digest(apiKey);
    }

    /** A matched request: the route, whether the method fits, and the path parameter if any. */
    private record Match(Route route, boolean methodOk, Optional<String> jobId) {
        /** A route without a path parameter. */
        Match(Route route, boolean methodOk) {
            this(route, methodOk, Optional.empty());
        }
    }

    @Override
    public void handle(HttpExchange ex) {
        Match match = match(ex.getRequestMethod(), ex.getRequestURI().getPath());
        stats.request(match.route());
        FaultInjector.Decision decision = match.route() == Route.OTHER
                ? FaultInjector.Decision.none(faults.rates())
                : faults.draw(match.route());
        // counted before the answer leaves, so a client never sees a fault not yet counted
        decision.fault().ifPresent(fault -> stats.fault(match.route(), fault));
        long delay = 0;
        if (decision.slow()) {
            stats.outcome(Outcome.SLOW);
            stats.fault(match.route(), Fault.SLOW);
            delay += decision.rates().slowDelay().toNanos();
        }
        if (decision.is(Fault.STALL)) {
            delay += decision.rates().stallDelay().toNanos();
        }
        if (delay > 0) {
            // no thread waits out the delay: the clock only hands the answer to a worker when it is due
            delays.schedule(() -> workers.execute(() -> respond(ex, match, decision)), delay, TimeUnit.NANOSECONDS);
        } else {
            respond(ex, match, decision);
        }
    }

    private void respond(HttpExchange ex, Match match, FaultInjector.Decision decision) {
        try {
            answer(ex, match, decision);
        } catch (Http.BadRequest e) {
            trySendError(ex, 400, 3, e.getMessage());
        } catch (IOException e) {
            // The client went away mid-response; nothing to answer.
            LOG.log(System.Logger.Level.DEBUG, "simulator response aborted: {0}", e.toString());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "simulator handler failed", e);
            trySendError(ex, 500, 13, "internal error");
        } finally {
            ex.close();
        }
    }

    private void answer(HttpExchange ex, Match match, FaultInjector.Decision decision) throws IOException {
        if (decision.fault().isPresent() && injectFault(ex, match, decision.fault().get(), decision.rates())) {
            return;
        }
        if (match.route() == Route.OTHER) {
            http.sendError(ex, 404, 5, "Not Found");
            return;
        }
        if (!match.methodOk()) {
            http.sendError(ex, 405, 12, "Method Not Allowed");
            return;
        }
        if (match.route() == Route.ACCESS_TOKEN) {
            accessToken(ex);
            return;
        }
        TokenStore.Check check = tokens.check(ex.getRequestHeaders().getFirst("Authorization"));
        if (check != TokenStore.Check.VALID) {
            http.sendError(ex, 401, 16, switch (check) {
                case MISSING -> "missing access token in the Authorization header";
                case EXPIRED -> "access token expired";
                default -> "invalid access token";
            });
            return;
        }
        switch (match.route()) {
            case LIST_JOBS -> jobsResource.list(ex);
            case FILTER_JOBS -> jobsResource.filter(ex);
            case GET_JOB -> jobsResource.get(ex, match.jobId().orElseThrow());
            default -> logsResource.logs(ex);
        }
    }

    /** Answers with the injected fault; false when the fault only delays the normal answer. */
    private boolean injectFault(HttpExchange ex, Match match, Fault fault, FaultRates rates) throws IOException {
        switch (fault) {
            case RESET -> stats.outcome(Outcome.RESET); // the finally closes the exchange before any header: the client sees EOF
            case TOO_MANY_REQUESTS -> {
                ex.getResponseHeaders().set("Retry-After", Integer.toString(rates.retryAfterSeconds()));
                http.sendError(ex, 429, 8, "rate limit exceeded, retry later");
            }
            case UNAVAILABLE -> http.sendError(ex, 503, 14, "service temporarily unavailable");
            case MALFORMED -> {
                Http.readBody(ex);
                http.sendBytes(ex, Outcome.MALFORMED, 200, malformedBody(match.route()));
            }
            case EXPIRED_TOKEN -> {
                if (tokens.revoke(ex.getRequestHeaders().getFirst("Authorization"))) {
                    stats.tokenRevoked();
                }
                http.sendError(ex, 401, 16, "access token expired");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void accessToken(HttpExchange ex) throws IOException {
        JsonNode body = Requests.parse(mapper, Http.readBody(ex));
        String key = body.path("apiKey").asText("");
        if (!MessageDigest.isEqual(digest(key), apiKeyDigest)) {
            http.sendError(ex, 401, 16, "invalid API key");
            return;
        }
        TokenStore.Issued issued = tokens.issue();
        http.sendJson(ex, g -> {
            g.writeStartObject();
            g.writeStringField("token", issued.token());
            http.int64(g, "expiresIn", issued.expiresInSeconds());
            g.writeStringField("scope", "");
            g.writeEndObject();
        });
    }

    private static Match match(String method, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean get = "GET".equals(method);
        boolean post = "POST".equals(method);
        if (p.equals(AUTH + "/access_token")) {
            return new Match(Route.ACCESS_TOKEN, post);
        }
        if (p.equals(CUSTOMER + "/logs")) {
            return new Match(Route.LOGS, post);
        }
        if (p.equals(CUSTOMER + "/jobs")) {
            return new Match(Route.LIST_JOBS, get);
        }
        if (p.equals(CUSTOMER + "/jobs/filter") && post) {
            return new Match(Route.FILTER_JOBS, true);
        }
        String prefix = CUSTOMER + "/jobs/";
        if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
            return new Match(Route.GET_JOB, get, Optional.of(p.substring(prefix.length())));
        }
        return new Match(Route.OTHER, false);
    }

    private static byte[] malformedBody(Route route) {
        String body = switch (route) {
            case ACCESS_TOKEN -> "{\"token\":\"eyJhbGciOiJSUzI1NiIsInR5cCI6";
            case LOGS -> "{\"partitioner\":[{\"log\":\"Partitioner task started\",\"timestamp\":\"2025-07-11T16:";
            default -> "{\"pagination\":{\"total\":\"3\",\"offset\":\"0\",\"hasPrevious\":false,\"hasNe";
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private void trySendError(HttpExchange ex, int status, int code, String message) {
        try {
            http.sendError(ex, status, code, message);
        } catch (IOException | RuntimeException e) {
            // Headers were already sent or the client left: the close in respond() ends it.
            LOG.log(System.Logger.Level.DEBUG, "could not send simulator error: {0}", e.toString());
        }
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
