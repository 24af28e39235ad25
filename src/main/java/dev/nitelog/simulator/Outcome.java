package dev.nitelog.simulator;

/**
 * How the simulator answered a request. Every request counts exactly once under one of these,
 * except {@link #SLOW}, which counts delayed requests in addition to their final outcome.
 */
public enum Outcome {
    /** A 200 with a well-formed body. */
    OK,
    /** Injected 429 {@code {"code":8}} with {@code Retry-After}. */
    TOO_MANY_REQUESTS,
    /** Injected 503 {@code {"code":14}}. */
    UNAVAILABLE,
    /** Injected delay before the response (counted besides the final outcome). */
    SLOW,
    /** Injected 200 whose body is truncated JSON. */
    MALFORMED,
    /** Injected connection close without any response. */
    RESET,
    /** 401 {@code {"code":16}}: bad API key, missing, unknown or expired token. */
    UNAUTHENTICATED,
    /** 404 {@code {"code":5}}: unknown job or route. */
    NOT_FOUND,
    /** 400 {@code {"code":3}} or 405: a request the simulator could not accept. */
    BAD_REQUEST,
    /** 500 {@code {"code":13}}: a bug in the simulator. */
    INTERNAL_ERROR
}
