package dev.nitelog.bytenite;

/** A 2xx response whose body is not what the contract says (truncated, wrong types, HTML). */
public class MalformedResponseException extends ByteNiteException {
    public MalformedResponseException(String message) {
        super(message, 200, -1);
    }

    public MalformedResponseException(String message, Throwable cause) {
        super(message, 200, -1, cause);
    }
}
