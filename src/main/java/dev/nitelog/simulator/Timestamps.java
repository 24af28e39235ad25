package dev.nitelog.simulator;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** RFC 3339 UTC formatting with a fixed number of fractional digits, as protobuf JSON writes. */
final class Timestamps {

    private static final int[] SCALE = {1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000,
        1_000, 100, 10, 1};

    private Timestamps() {
    }

    /** Nanos cut down to {@code digits} fractional digits. */
    static int truncateNanos(int nanos, int digits) {
        int unit = SCALE[digits];
        return nanos / unit * unit;
    }

    /** The fewest of 0, 3, 6, 9 digits that show these nanos exactly (protobuf's own choice). */
    static int minimalDigits(int nanos) {
        if (nanos == 0) {
            return 0;
        }
        if (nanos % 1_000_000 == 0) {
            return 3;
        }
        return nanos % 1_000 == 0 ? 6 : 9;
    }

    /** Formats with exactly {@code digits} fractional digits (no dot for 0). */
    static String format(long epochSecond, int nanos, int digits) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(32);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        if (digits > 0) {
            sb.append('.');
            pad(sb, nanos / SCALE[digits], digits);
        }
        return sb.append('Z').toString();
    }

    /** Formats an instant for a job field: fixed digits, or minimal ones when digits is negative. */
    static String format(Instant instant, int digits) {
        int d = digits < 0 ? minimalDigits(instant.getNano()) : digits;
        return format(instant.getEpochSecond(), truncateNanos(instant.getNano(), d), d);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
