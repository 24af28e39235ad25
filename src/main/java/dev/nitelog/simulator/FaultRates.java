package dev.nitelog.simulator;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Injected faults, each a probability per request in [0, 1]. Reset, 429, 503, malformed, expired
 * token and stall are mutually exclusive (one draw decides; their sum is capped at 1, taken in
 * that order); slowness is drawn independently and delays whatever the answer is. Faults strike
 * before the token is checked, as a gateway in front of the API would.
 *
 * @param reset             close the connection without a response
 * @param tooManyRequests   answer 429 {@code {"code":8}} with {@code Retry-After}
 * @param retryAfterSeconds the {@code Retry-After} value of injected 429s
 * @param unavailable       answer 503 {@code {"code":14}}
 * @param malformed         answer 200 with a truncated JSON body
 * @param slow              delay the response by {@code slowDelay}
 * @param slowDelay         how long a slow response waits
 * @param expiredToken      answer 401 {@code {"code":16}} and revoke the presented token (not on the token route)
 * @param stall             hold the response back for {@code stallDelay}
 * @param stallDelay        how long a stalled response waits; make it longer than the client's timeout
 * @param routes            the routes faults apply to; empty means all
 */
public record FaultRates(
        double reset,
        double tooManyRequests,
        int retryAfterSeconds,
        double unavailable,
        double malformed,
        double slow,
        Duration slowDelay,
        double expiredToken,
        double stall,
        Duration stallDelay,
        Set<Route> routes) {

    /** Checks ranges. */
    public FaultRates {
        checkRate("reset", reset);
        checkRate("tooManyRequests", tooManyRequests);
        checkRate("unavailable", unavailable);
        checkRate("malformed", malformed);
        checkRate("slow", slow);
        checkRate("expiredToken", expiredToken);
        checkRate("stall", stall);
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0, got " + retryAfterSeconds);
        }
        Objects.requireNonNull(slowDelay, "slowDelay");
        Objects.requireNonNull(stallDelay, "stallDelay");
        routes = routes == null || routes.isEmpty() ? Set.of() : Set.copyOf(routes);
    }

    /** No faults at all. */
    public static FaultRates none() {
        return new FaultRates(0, 0, 1, 0, 0, 0, Duration.ofSeconds(2), 0, 0, Duration.ofSeconds(60), Set.of());
    }

    /** Whether faults apply to this route. */
    public boolean appliesTo(Route route) {
        return routes.isEmpty() || routes.contains(route);
    }

    /** With connection resets at this rate. */
    public FaultRates withReset(double rate) {
        return new FaultRates(rate, tooManyRequests, retryAfterSeconds, unavailable, malformed, slow, slowDelay,
                expiredToken, stall, stallDelay, routes);
    }

    /** With 429 answers at this rate, carrying {@code Retry-After: retryAfter}. */
    public FaultRates withTooManyRequests(double rate, int retryAfter) {
        return new FaultRates(reset, rate, retryAfter, unavailable, malformed, slow, slowDelay, expiredToken, stall,
                stallDelay, routes);
    }

    /** With 503 answers at this rate. */
    public FaultRates withUnavailable(double rate) {
        return new FaultRates(reset, tooManyRequests, retryAfterSeconds, rate, malformed, slow, slowDelay, expiredToken,
                stall, stallDelay, routes);
    }

    /** With truncated 200 bodies at this rate. */
    public FaultRates withMalformed(double rate) {
        return new FaultRates(reset, tooManyRequests, retryAfterSeconds, unavailable, rate, slow, slowDelay, expiredToken,
                stall, stallDelay, routes);
    }

    /** With responses delayed by {@code delay} at this rate. */
    public FaultRates withSlow(double rate, Duration delay) {
        return new FaultRates(reset, tooManyRequests, retryAfterSeconds, unavailable, malformed, rate, delay, expiredToken,
                stall, stallDelay, routes);
    }

    /** Faults only on these routes (none given: all routes). */
    public FaultRates onlyOn(Route... only) {
        Set<Route> set = only.length == 0 ? Set.of() : EnumSet.of(only[0], only);
        return new FaultRates(reset, tooManyRequests, retryAfterSeconds, unavailable, malformed, slow, slowDelay,
                expiredToken, stall, stallDelay, set);
    }

    /** With 401 "access token expired" answers at this rate, each revoking the token it was sent with. */
    public FaultRates withExpiredToken(double rate) {
        return new FaultRates(reset, tooManyRequests, retryAfterSeconds, unavailable, malformed, slow, slowDelay, rate,
                stall, stallDelay, routes);
    }

    /** With responses held back by {@code delay} (meant to exceed the client's timeout) at this rate. */
    public FaultRates withStall(double rate, Duration delay) {
        return new FaultRates(reset, tooManyRequests, retryAfterSeconds, unavailable, malformed, slow, slowDelay,
                expiredToken, rate, delay, routes);
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + rate);
        }
    }
}
