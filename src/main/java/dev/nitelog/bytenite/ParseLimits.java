package dev.nitelog.bytenite;

/**
 * How much of one {@code /logs} response the parser reads and makes.
 *
 * @param maxBytes     the most bytes of the body read; a longer body is cut there
 * @param listBytes    past a cut, the body is passed over up to this many bytes without reading its
 *                     lines, to list its arrays ({@link LogFetch#layout()}); at most {@code maxBytes}
 *                     to stop at the cut
 * @param maxLineBytes the most bytes of one line (as JSON text) read; the rest is dropped and the
 *                     record marked ({@link dev.nitelog.record.LogRecord#cutBytes()})
 * @param maxRecords   the most records made; further new lines are only counted as deferred, so a
 *                     poll of a job with a large backlog holds no more records than its sinks can take
 */
record ParseLimits(long maxBytes, long listBytes, long maxLineBytes, int maxRecords) {

    /** Reads every byte, keeps lines whole and makes every record. */
    static final ParseLimits NONE = new ParseLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
            Integer.MAX_VALUE);

    ParseLimits {
        listBytes = Math.max(maxBytes, listBytes);
    }

    /** These limits with the body cut at {@code bytes} and nothing listed past the cut. */
    ParseLimits withMaxBytes(long bytes) {
        return new ParseLimits(bytes, bytes, maxLineBytes, maxRecords);
    }

    ParseLimits withListBytes(long bytes) {
        return new ParseLimits(maxBytes, bytes, maxLineBytes, maxRecords);
    }

    ParseLimits withMaxLineBytes(long bytes) {
        return new ParseLimits(maxBytes, listBytes, bytes, maxRecords);
    }

    ParseLimits withMaxRecords(int records) {
        return new ParseLimits(maxBytes, listBytes, maxLineBytes, records);
    }
}
