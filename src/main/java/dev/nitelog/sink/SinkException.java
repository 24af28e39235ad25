package dev.nitelog.sink;

/** A sink cannot complete a write; the batch is not delivered. Messages never carry secrets. */
public class SinkException extends Exception {
    public SinkException(String message) {
        super(message);
    }

    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
