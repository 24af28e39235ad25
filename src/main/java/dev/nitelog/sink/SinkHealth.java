package dev.nitelog.sink;

/**
 * The result of {@link Sink#check()}.
 *
 * @param up     whether the destination accepts writes now
 * @param detail a short operator-readable explanation, never a secret
 */
public record SinkHealth(boolean up, String detail) {

    public static SinkHealth up(String detail) {
        return new SinkHealth(true, detail);
    }

    public static SinkHealth down(String detail) {
        return new SinkHealth(false, detail);
    }
}
