package dev.nitelog.bytenite;

/** How one HTTP attempt to ByteNite ended, as reported to {@link ByteNiteListener}. */
public enum CallOutcome {
    /** 2xx and a readable body. */
    OK("ok"),
    /** 429: retried, honouring Retry-After. */
    RATE_LIMITED("429"),
    /** 5xx (and 408): retried. */
    SERVER_ERROR("5xx"),
    /** No response, or the body stalled, within the request timeout: retried. */
    TIMEOUT("timeout"),
    /** The connection could not be made or broke: retried. */
    CONNECTION_FAILED("connection"),
    /** 2xx with a body that is not what the contract says: not retried. */
    PARSE_ERROR("parse_error"),
    /** 401 after one token renewal, or the API key was refused: not retried. */
    AUTH("auth"),
    /** 404: the job does not exist. */
    NOT_FOUND("not_found"),
    /** Another 4xx (400, 403): not retried. */
    CLIENT_ERROR("4xx"),
    /** The endpoint's circuit was open, no request was sent. */
    CIRCUIT_OPEN("circuit_open");

    private final String tag;

    CallOutcome(String tag) {
        this.tag = tag;
    }

    /** Short name for metric tags: ok, 429, 5xx, timeout, connection, parse_error, auth, ... */
    public String tag() {
        return tag;
    }
}
