package dev.nitelog.simulator;

/**
 * A fault the simulator injects into one request, counted per route in {@link SimulatorStats}.
 * At most one of the exclusive kinds strikes a request; {@link #SLOW} is drawn on its own and
 * may delay any answer, a faulted one included.
 */
public enum Fault {
    /** Connection closed without any response. */
    RESET,
    /** 429 {@code {"code":8}} with {@code Retry-After}. */
    TOO_MANY_REQUESTS,
    /** 503 {@code {"code":14}}. */
    UNAVAILABLE,
    /** 200 with a truncated JSON body. */
    MALFORMED,
    /**
     * 401 {@code {"code":16}} "access token expired": the presented token is revoked, so the
     * client must exchange a new one. Never on the token route itself, where no token is presented.
     */
    EXPIRED_TOKEN,
    /** The normal answer, held back for {@link FaultRates#stallDelay()}: longer than a client's timeout. */
    STALL,
    /** The answer delayed by {@link FaultRates#slowDelay()} (not exclusive). */
    SLOW
}
