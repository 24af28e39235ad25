package dev.nitelog.bytenite;

import dev.nitelog.config.TokenPrefix;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The access token: exchanged for the API key at {@code POST /access_token}, cached, renewed a
 * margin before it expires and on demand after a 401. One exchange at a time however many polls
 * need a token: the others wait for it and share the result. After a 401 a key from
 * {@code api-key-file} is read again, and a changed key is used at once: a key rotated on disk
 * needs no restart.
 */
final class AccessTokens {
    private static final Logger LOG = Logger.getLogger(AccessTokens.class);
    /** ByteNite's documented default lifetime, assumed when a response omits {@code expiresIn}. */
    private static final long DEFAULT_LIFETIME_SECONDS = 3600;
    private static final String WHAT = "POST /access_token";

    private final AuthResource auth;
    private final ByteNiteEndpoints.ApiKey apiKey;
    private final TokenPrefix prefix;
    private final Duration renewBefore;
    private final Duration requestTimeout;
    private final EndpointGuard guard;
    private final Failures failures;
    private final Clock clock;
    private final ByteNiteListener listener;
    private final RequestThrottle throttle;
    private final ReentrantLock exchange = new ReentrantLock();
    private final AtomicLong renewals = new AtomicLong();
    private volatile Token current;

    AccessTokens(AuthResource auth, ByteNiteEndpoints.ApiKey apiKey, TokenPrefix prefix, Duration renewBefore, Duration requestTimeout,
                 EndpointGuard guard, Failures failures, Clock clock, ByteNiteListener listener,
                 RequestThrottle throttle) {
        this.throttle = throttle;
        this.auth = auth;
        this.apiKey = apiKey;
        this.prefix = prefix;
        this.renewBefore = renewBefore;
        this.requestTimeout = requestTimeout;
        this.guard = guard;
        this.failures = failures;
        this.clock = clock;
        this.listener = listener;
    }

    /** A token valid for a while yet, exchanging a new one if needed. */
    Token current() throws ByteNiteException {
        Token token = current;
        if (token != null && token.fresh(clock.instant())) {
            return token;
        }
        exchange.lock();
        try {
            token = current; // another thread may have renewed it while this one waited
            if (token != null && token.fresh(clock.instant())) {
                return token;
            }
            token = exchange();
            current = token;
            renewals.incrementAndGet();
            listener.onTokenRenewal();
            LOG.debugf("obtained a ByteNite access token, renewing at %s", token.renewAt());
            return token;
        } finally {
            exchange.unlock();
        }
    }

    /**
     * Forgets {@code stale} after the server refused it, so the next {@link #current()} renews.
     * A token already replaced by a concurrent renewal is left alone: many polls hitting 401 at
     * once cause one exchange, not one each.
     */
    void invalidate(Token stale) {
        exchange.lock();
        try {
            if (current == stale) {
                current = null;
                keyChanged(); // a key rotated on disk is exchanged at once, even if the old one still were
            }
        } finally {
            exchange.unlock();
        }
    }

    /** The current token's value, for redaction; null before the first exchange. */
    String currentValue() {
        Token token = current;
        return token == null ? null : token.value();
    }

    /** Successful exchanges so far, the first one included. */
    long renewals() {
        return renewals.get();
    }

    /** An exchange with the guard's retries; once more with a changed key if the key was refused. */
    private Token exchange() throws ByteNiteException {
        try {
            return guard.call(WHAT, this::exchangeOnce);
        } catch (AuthenticationException refused) {
            if (!keyChanged()) {
                throw refused;
            }
            return guard.call(WHAT, this::exchangeOnce);
        }
    }

    /**
     * Reads a key file again after ByteNite refused the key or a token of it: true when the file
     * now holds another key, which is from then on the key. Logs the re-read, never the key.
     */
    private boolean keyChanged() {
        Optional<String> source = apiKey.source();
        if (source.isEmpty()) {
            return false; // a fixed key: nothing to re-read
        }
        try {
            if (apiKey.reread()) {
                LOG.infof("ByteNite refused a request; re-read %s and found a new API key, using it from now on",
                        source.get());
                return true;
            }
            LOG.debugf("ByteNite refused a request; %s still holds the same API key", source.get());
            return false;
        } catch (RuntimeException e) {
            LOG.warnf("ByteNite refused a request and the API key could not be read again, keeping the key read"
                    + " before: %s", e.getMessage());
            return false;
        }
    }

    private Token exchangeOnce() throws ByteNiteException {
        throttle.acquire(ApiEndpoint.TOKEN, WHAT);
        Response response;
        try {
            response = auth.accessToken(new Wire.TokenRequest(apiKey.value()));
        } catch (ProcessingException e) {
            ByteNiteException failure = failures.fromTransport(WHAT, e, requestTimeout);
            listener.onAttempt(ApiEndpoint.TOKEN, ((RetryableException) failure).outcome());
            throw failure;
        }
        try (response) {
            if (response.getStatus() / 100 != 2) {
                ByteNiteException failure = failures.fromResponse(WHAT, response, Optional.empty());
                listener.onAttempt(ApiEndpoint.TOKEN, failure instanceof AuthenticationException
                        ? CallOutcome.AUTH : Failures.outcomeOf(response.getStatus()));
                throw failure;
            }
            Token token = parse(response);
            listener.onAttempt(ApiEndpoint.TOKEN, CallOutcome.OK);
            return token;
        }
    }

    private Token parse(Response response) throws ByteNiteException {
        Wire.TokenResponse body;
        try (InputStream in = response.readEntity(InputStream.class)) {
            body = Wire.MAPPER.readValue(in, Wire.TokenResponse.class);
        } catch (IOException | RuntimeException e) {
            listener.onAttempt(ApiEndpoint.TOKEN, CallOutcome.PARSE_ERROR);
            // no cause: Jackson's message may quote the body, which holds the token
            throw new MalformedResponseException("ByteNite " + WHAT + " returned a body that is not a token response");
        }
        if (body == null || body.token() == null || body.token().isBlank()) {
            listener.onAttempt(ApiEndpoint.TOKEN, CallOutcome.PARSE_ERROR);
            throw new MalformedResponseException("ByteNite " + WHAT + " returned no token");
        }
        long lifetime = body.expiresIn() == null || body.expiresIn() <= 0 ? DEFAULT_LIFETIME_SECONDS : body.expiresIn();
        // a token living no longer than the margin is renewed halfway, or every call would renew it
        long margin = renewBefore.toSeconds() < lifetime ? renewBefore.toSeconds() : lifetime / 2;
        Instant renewAt = clock.instant().plusSeconds(lifetime - margin);
        return new Token(prefix.headerPrefix() + body.token(), body.token(), renewAt);
    }

    /**
     * An access token.
     *
     * @param header  the Authorization header value (prefix included)
     * @param value   the raw token
     * @param renewAt when to exchange a new one
     */
    record Token(String header, String value, Instant renewAt) {
        boolean fresh(Instant now) {
            return now.isBefore(renewAt);
        }

        @Override
        public String toString() {
            return "Token[****, renewAt=" + renewAt + "]";
        }
    }
}
