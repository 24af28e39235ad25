package dev.nitelog.bytenite;

/** A call was not sent because its endpoint's circuit is open after repeated failures. */
public class CircuitOpenException extends ByteNiteException {
    public CircuitOpenException(String message) {
        super(message, 0, -1);
    }
}
