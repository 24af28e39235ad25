package dev.nitelog.sink;

/** A write failed for a reason that may pass (timeout, unavailable, throttled): retry the batch. */
public class RetriableSinkException extends SinkException {
    public RetriableSinkException(String message) {
        super(message);
    }

    public RetriableSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
