package dev.nitelog.bytenite;

/**
 * ByteNite refused nitelog's credentials: the API key was rejected at {@code /access_token}, or a
 * customer route answered 401 even with a freshly renewed token. Not retried; the message names
 * the fix but never the key or a token.
 */
public class AuthenticationException extends ByteNiteException {
    public AuthenticationException(String message, int httpStatus, int grpcCode) {
        super(message, httpStatus, grpcCode);
    }
}
