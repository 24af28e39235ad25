package dev.nitelog.bytenite;

/**
 * Parses RFC 3339 date-times ({@code 2025-07-11T16:29:35.101234567Z}, 0 to 9 fractional digits,
 * {@code Z} or a {@code +hh:mm} offset) straight from a char array, so the hot path of the logs
 * parser never makes a String or an {@code Instant} for a line it is about to skip. The result is
 * normalised to UTC and left in {@link #seconds()} and {@link #nanos()}. One instance per parse;
 * not thread-safe.
 */
final class TimestampParser {
    private static final int[] NANO_SCALE = {
            1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private long seconds;
    private int nanos;

    /** Epoch seconds of the last successful {@link #parse}. */
    long seconds() {
        return seconds;
    }

    /** Nanosecond of the second of the last successful {@link #parse}. */
    int nanos() {
        return nanos;
    }

    /** Epoch nanoseconds of the last successful {@link #parse}, saturating as {@link #nanos(java.time.Instant)}. */
    long epochNanos() {
        return nanos(seconds, nanos);
    }

    /** Epoch nanoseconds of an instant, saturating beyond the years 1677 and 2262 (the cursors' time scale). */
    static long nanos(java.time.Instant t) {
        return nanos(t.getEpochSecond(), t.getNano());
    }

    private static long nanos(long seconds, int nanos) {
        if (seconds >= 9_223_372_036L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= -9_223_372_036L) {
            return Long.MIN_VALUE + 1;
        }
        return seconds * 1_000_000_000L + nanos;
    }

    /**
     * Parses {@code text[offset, offset+length)}.
     *
     * @return false when the text is not an RFC 3339 date-time with a 4-digit year; the fields are
     *         then undefined
     */
    boolean parse(char[] text, int offset, int length) {
        int end = offset + length;
        if (length < 20) { // yyyy-mm-ddThh:mm:ssZ
            return false;
        }
        int p = offset;
        int year = digits(text, p, 4);
        int month = digits(text, p + 5, 2);
        int day = digits(text, p + 8, 2);
        int hour = digits(text, p + 11, 2);
        int minute = digits(text, p + 14, 2);
        int second = digits(text, p + 17, 2);
        if ((year | month | day | hour | minute | second) < 0
                || text[p + 4] != '-' || text[p + 7] != '-' || !isT(text[p + 10])
                || text[p + 13] != ':' || text[p + 16] != ':'
                || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 59) {
            return false;
        }
        p += 19;
        int fraction = 0;
        if (text[p] == '.') {
            int start = ++p;
            while (p < end && p - start < 10 && isDigit(text[p])) {
                fraction = fraction * 10 + (text[p] - '0');
                p++;
            }
            int count = p - start;
            if (count == 0 || count > 9) {
                return false;
            }
            fraction *= NANO_SCALE[count];
        }
        int offsetSeconds = parseOffset(text, p, end);
        if (offsetSeconds == Integer.MIN_VALUE) {
            return false;
        }
        seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        nanos = fraction;
        return true;
    }

    /** The zone suffix as seconds east of UTC, or MIN_VALUE when it is not Z or +-hh:mm ending the text. */
    private static int parseOffset(char[] text, int p, int end) {
        int remaining = end - p;
        if (remaining == 1 && (text[p] == 'Z' || text[p] == 'z')) {
            return 0;
        }
        if (remaining != 6 || (text[p] != '+' && text[p] != '-') || text[p + 3] != ':') {
            return Integer.MIN_VALUE;
        }
        int hours = digits(text, p + 1, 2);
        int minutes = digits(text, p + 4, 2);
        if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) {
            return Integer.MIN_VALUE;
        }
        int value = hours * 3600 + minutes * 60;
        return text[p] == '-' ? -value : value;
    }

    private static boolean isT(char c) {
        return c == 'T' || c == 't';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The number in {@code count} decimal digits at {@code p}, or -1 if one is not a digit. */
    private static int digits(char[] text, int p, int count) {
        int value = 0;
        for (int i = p; i < p + count; i++) {
            char c = text[i];
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysInMonth(int year, int month) {
        if (month == 2) {
            boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Howard Hinnant's days-from-civil for the proleptic Gregorian calendar. */
    static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int mp = month > 2 ? month - 3 : month + 9;
        int dayOfYear = (153 * mp + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }
}
