package dev.nitelog.bytenite;

/**
 * A ByteNite request failed. Carries the HTTP status and the gRPC code of the {@code rpcStatus}
 * body where there was one. Messages never contain the API key or a token.
 */
public class ByteNiteException extends Exception {
    private final int httpStatus;
    private final int grpcCode;

    /** A failure with nothing underneath it: ByteNite's answer, or nitelog's own refusal to send. */
    public ByteNiteException(String message, int httpStatus, int grpcCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.grpcCode = grpcCode;
    }

    public ByteNiteException(String message, int httpStatus, int grpcCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.grpcCode = grpcCode;
    }

    /** HTTP status, or 0 when no response arrived (timeout, connection failure). */
    public int httpStatus() {
        return httpStatus;
    }

    /** gRPC code from the rpcStatus body, or -1 when the body had none. */
    public int grpcCode() {
        return grpcCode;
    }
}
