package dev.nitelog.config;

/** What precedes the access token in the {@code Authorization} header. */
public enum TokenPrefix {
    /** The raw token, as every ByteNite sample and client sends it. */
    NONE(""),
    /** {@code Bearer <token>}, for gateways that require it. */
    BEARER("Bearer ");

    private final String headerPrefix;

    TokenPrefix(String headerPrefix) {
        this.headerPrefix = headerPrefix;
    }

    /** The text to put before the token. */
    public String headerPrefix() {
        return headerPrefix;
    }
}
