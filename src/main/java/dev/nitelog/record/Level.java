package dev.nitelog.record;

/** ByteNite's log levels ({@code logsLogLevel}); app stdout and stderr arrive as {@link #UNKNOWN}. */
public enum Level {
    UNKNOWN, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC;

    private static final Level[] VALUES = values();

    /**
     * Maps a wire name to a level without throwing: an absent or unrecognised name is
     * {@link #UNKNOWN}, the enum's documented default, so schema drift never drops a line.
     */
    public static Level fromWire(CharSequence name) {
        if (name == null) {
            return UNKNOWN;
        }
        for (Level level : VALUES) {
            if (level.name().contentEquals(name)) {
                return level;
            }
        }
        return UNKNOWN;
    }
}
