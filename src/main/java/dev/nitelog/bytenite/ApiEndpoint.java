package dev.nitelog.bytenite;

/** The ByteNite routes nitelog calls; each has its own retry policy instance and circuit breaker. */
public enum ApiEndpoint {
    /** {@code POST {auth}/access_token}. */
    TOKEN("token"),
    /** {@code GET {api}/jobs} and {@code GET {api}/jobs/{id}}. */
    JOBS("jobs"),
    /** {@code POST {api}/logs}. */
    LOGS("logs");

    private final String tag;

    ApiEndpoint(String tag) {
        this.tag = tag;
    }

    /** Lower-case name for metric tags and logs. */
    public String tag() {
        return tag;
    }
}
