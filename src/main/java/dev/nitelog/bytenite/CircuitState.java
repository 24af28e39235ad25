package dev.nitelog.bytenite;

/** State of one endpoint's circuit breaker, as reported to {@link ByteNiteListener}. */
public enum CircuitState {
    /** Requests are sent; failures are counted. */
    CLOSED("closed"),
    /** After the delay: trial requests are sent; one failure opens the circuit again. */
    HALF_OPEN("half_open"),
    /** Calls fail at once without a request, until the delay has passed. */
    OPEN("open");

    private final String tag;

    CircuitState(String tag) {
        this.tag = tag;
    }

    /** Lower-case name for metric tags. */
    public String tag() {
        return tag;
    }
}
