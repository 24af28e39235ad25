package dev.nitelog.simulator;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Issues JWT-looking access tokens and checks the {@code Authorization} header against them. */
final class TokenStore {

    /** The verdict on an Authorization header. */
    enum Check { VALID, MISSING, UNKNOWN, EXPIRED }

    /** A fresh token and its lifetime in seconds. */
    record Issued(String token, long expiresInSeconds) {
        @Override
        public String toString() {
            return "Issued[token=****, expiresInSeconds=" + expiresInSeconds + "]";
        }
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64.encodeToString(
            "{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiry = new ConcurrentHashMap<>();

    TokenStore(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    Issued issue() {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        expiry.values().removeIf(e -> e.isBefore(now.minus(ttl)));
        byte[] jti = new byte[12];
        byte[] signature = new byte[64];
        random.nextBytes(jti);
        random.nextBytes(signature);
        String payload = "{\"iss\":\"https://auth.bytenite.com/\",\"aud\":[\"bytenite-app\"],"
                + "\"client_id\":\"bytenite-app\",\"scope\":[\"openid\"],\"iat\":" + now.getEpochSecond()
                + ",\"exp\":" + exp.getEpochSecond() + ",\"jti\":\"" + HexFormat.of().formatHex(jti) + "\"}";
        String token = HEADER + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(signature);
        expiry.put(token, exp);
        // Round up: a sub-second TTL (chaos tests) must not announce an already expired token.
        return new Issued(token, (ttl.toMillis() + 999) / 1000);
    }

    /** Accepts the raw token or {@code Bearer <token>}. */
    Check check(String authorization) {
        String token = raw(authorization);
        if (token == null) {
            return Check.MISSING;
        }
        Instant exp = expiry.get(token);
        if (exp == null) {
            return Check.UNKNOWN;
        }
        return clock.instant().isBefore(exp) ? Check.VALID : Check.EXPIRED;
    }

    /**
     * Expires the presented token now, if it is valid: true when this call revoked it (of
     * concurrent calls with one token, only one does).
     */
    boolean revoke(String authorization) {
        String token = raw(authorization);
        Instant exp = token == null ? null : expiry.get(token);
        Instant now = clock.instant();
        return exp != null && now.isBefore(exp) && expiry.replace(token, exp, now.minusNanos(1));
    }

    private static String raw(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String token = authorization.trim();
        return token.regionMatches(true, 0, "Bearer ", 0, 7) ? token.substring(7).trim() : token;
    }

    /** Every token issued so far is expired from now on. */
    void expireAll() {
        Instant past = clock.instant().minusNanos(1);
        expiry.replaceAll((token, exp) -> past);
    }
}
