package dev.nitelog.sink;

import java.time.Instant;

/**
 * Formats an instant as RFC 3339 UTC with all nine fractional digits
 * ({@code 2025-07-11T16:29:35.101000000Z}): exact at Loki's nanosecond precision, fixed-width so
 * that text order is time order, and written without allocating.
 */
public final class Rfc3339 {
    private Rfc3339() {
    }

    public static void append(Instant instant, Utf8Buffer out) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        appendDate(days, out);
        out.appendByte('T')
                .appendPadded(secondOfDay / 3600, 2).appendByte(':')
                .appendPadded(secondOfDay / 60 % 60, 2).appendByte(':')
                .appendPadded(secondOfDay % 60, 2).appendByte('.')
                .appendPadded(instant.getNano(), 9).appendByte('Z');
    }

    /** Howard Hinnant's days-to-civil algorithm, valid for the proleptic Gregorian calendar. */
    static void appendDate(long epochDay, Utf8Buffer out) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        out.appendPadded(year, 4).appendByte('-').appendPadded(month, 2).appendByte('-').appendPadded(day, 2);
    }
}
