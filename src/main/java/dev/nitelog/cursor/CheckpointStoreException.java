package dev.nitelog.cursor;

/** The checkpoint store cannot be used as configured; the message names the path and the fix. */
public final class CheckpointStoreException extends RuntimeException {
    public CheckpointStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
