package dev.nitelog.sink;

import dev.nitelog.record.LogRecord;

/**
 * The one canonical JSON encoding of a record, shared by every JSON-writing sink:
 * {@code {"id","timestamp","job_id","job_name","service","task_id","container","level","message"}}
 * in that order (README, "Record schema"). Writes straight into a reused {@link Utf8Buffer}.
 */
public final class RecordJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RecordJson() {
    }

    /** Appends the record as one JSON object, without a trailing newline. */
    public static void append(LogRecord r, Utf8Buffer out) {
        out.appendAscii("{\"id\":\"");
        appendHex(r.id().high(), out);
        appendHex(r.id().low(), out);
        out.appendAscii("\",\"timestamp\":\"");
        Rfc3339.append(r.timestamp(), out);
        out.appendAscii("\",\"job_id\":");
        appendString(r.jobId(), out);
        out.appendAscii(",\"job_name\":");
        appendString(r.jobName(), out);
        out.appendAscii(",\"service\":\"").appendAscii(r.service().jsonName());
        out.appendAscii("\",\"task_id\":");
        if (r.taskId() == null) {
            out.appendAscii("null");
        } else {
            appendString(r.taskId(), out);
        }
        out.appendAscii(",\"container\":");
        appendString(r.container(), out);
        out.appendAscii(",\"level\":\"").appendAscii(r.level().name());
        out.appendAscii("\",\"message\":");
        appendString(r.message(), out);
        if (r.cut()) {
            out.appendAscii(",\"message_truncated_bytes\":").appendAscii(Long.toString(r.cutBytes()));
        }
        out.appendByte('}');
    }

    /** Appends a JSON string literal, escaping quotes, backslashes and control characters. */
    public static void appendString(CharSequence s, Utf8Buffer out) {
        out.appendByte('"');
        int n = s.length();
        for (int i = out.appendUnescapedAscii(s, 0); i < n; i = out.appendUnescapedAscii(s, i + 1)) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                i = out.appendNonAscii(s, i, c);
            } else {
                appendEscape(c, out);
            }
        }
        out.appendByte('"');
    }

    private static void appendEscape(char c, Utf8Buffer out) {
        switch (c) {
            case '"' -> out.appendAscii("\\\"");
            case '\\' -> out.appendAscii("\\\\");
            case '\n' -> out.appendAscii("\\n");
            case '\r' -> out.appendAscii("\\r");
            case '\t' -> out.appendAscii("\\t");
            default -> out.appendAscii("\\u00").appendByte(HEX[c >> 4]).appendByte(HEX[c & 0xF]);
        }
    }

    static void appendHex(long value, Utf8Buffer out) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.appendByte(HEX[(int) (value >>> shift) & 0xF]);
        }
    }
}
