package dev.nitelog.record;

/**
 * Makes text that others chose (job names and ids from the API or the config, server messages) safe
 * to put in nitelog's own log: a job named {@code "x\n2026-01-01T00:00:00Z INFO ..."} or holding
 * terminal escapes must not forge a line or repaint the terminal of whoever reads the log.
 */
public final class LogText {
    private LogText() {
    }

    /**
     * {@code text} with control characters, line and paragraph separators and bidi overrides
     * written as escapes ({@code \n}, {@code \r}, {@code \t}, else {@code \u001b}), and backslashes
     * doubled so an escape cannot be told from text that looked like one. Null stays null.
     */
    public static String escape(String text) {
        if (text == null || text.codePoints().noneMatch(LogText::needsEscape)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (needsEscape(c)) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** {@code name (id)} of a job, both escaped: how log lines name a job. */
    public static String job(JobRef job) {
        return escape(job.name()) + " (" + escape(job.id()) + ")";
    }

    private static boolean needsEscape(int c) {
        int type = Character.getType(c);
        return c == '\\' || type == Character.CONTROL || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
