package dev.nitelog.sink;

import dev.nitelog.record.LogRecord;

/**
 * The human text line: {@code <timestamp> <LEVEL> <job name>/<service>[/<task>] <container> | <message>}.
 * An empty container prints as {@code -}; in the message, newline, carriage return and other
 * control characters are escaped ({@code \n}, {@code \r}, {@code \x1b}) so one record stays one line.
 */
public final class RecordText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RecordText() {
    }

    /** Appends the record as one text line, without a trailing newline. */
    public static void append(LogRecord r, Utf8Buffer out) {
        Rfc3339.append(r.timestamp(), out);
        out.appendByte(' ');
        appendWithoutTimestamp(r, out);
    }

    /** The same line without its leading timestamp and space (what {@code logs} prints without --timestamps). */
    public static void appendWithoutTimestamp(LogRecord r, Utf8Buffer out) {
        out.appendAscii(r.level().name()).appendByte(' ');
        appendEscaped(r.jobName(), out);
        out.appendByte('/').appendAscii(r.service().jsonName());
        if (r.taskId() != null) {
            out.appendByte('/');
            appendEscaped(r.taskId(), out);
        }
        out.appendByte(' ');
        if (r.container().isEmpty()) {
            out.appendByte('-');
        } else {
            appendEscaped(r.container(), out);
        }
        out.appendAscii(" | ");
        appendEscaped(r.message(), out);
        if (r.cut()) {
            out.appendAscii(" [truncated ").appendAscii(Long.toString(r.cutBytes())).appendAscii(" bytes]");
        }
    }

    private static void appendEscaped(CharSequence s, Utf8Buffer out) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '\\' && c < 0x7F) {
                out.appendByte(c);
            } else if (c >= 0x80) {
                i = out.appendNonAscii(s, i, c);
            } else if (c == '\\') {
                out.appendAscii("\\\\");
            } else if (c == '\n') {
                out.appendAscii("\\n");
            } else if (c == '\r') {
                out.appendAscii("\\r");
            } else if (c == '\t') {
                out.appendByte('\t');
            } else {
                out.appendAscii("\\x").appendByte(HEX[c >> 4 & 0xF]).appendByte(HEX[c & 0xF]);
            }
        }
    }
}
