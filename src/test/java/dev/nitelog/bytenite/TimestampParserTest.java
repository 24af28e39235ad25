package dev.nitelog.bytenite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimestampParserTest {

    private final TimestampParser parser = new TimestampParser();

    private Instant parse(String text) {
        // parse from the middle of a larger array, as the JSON parser's buffer presents it
        String padded = "xx\"" + text + "\"yy";
        char[] chars = padded.toCharArray();
        assertTrue(parser.parse(chars, 3, text.length()), () -> "rejected " + text);
        return Instant.ofEpochSecond(parser.seconds(), parser.nanos());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2025-07-11T16:29:35Z",
            "2025-07-11T16:29:35.1Z",
            "2025-07-11T16:29:35.12Z",
            "2025-07-11T16:29:35.101Z",
            "2025-07-11T16:29:35.1012Z",
            "2025-07-11T16:29:35.10123Z",
            "2025-07-11T16:29:35.314444Z",
            "2025-07-11T16:29:35.3144441Z",
            "2025-07-11T16:29:35.31444412Z",
            "2025-07-11T16:29:20.125431870Z",
            "2025-07-11T16:29:20.000000001Z",
            "2025-07-11T16:29:20.999999999Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2024-02-29T12:00:00Z",
            "2000-02-29T12:00:00Z",
            "2025-07-11T16:29:35.101+00:00",
            "2025-07-11T16:29:35.101-00:00",
            "2025-07-11T18:29:35.123456789+02:00",
            "2025-07-11T10:59:35.5-05:30",
            "2025-01-01T00:30:00+01:00",
            "2025-12-31T23:30:00-01:00",
    })
    void parsesExactlyAsInstantParse(String text) {
        assertEquals(Instant.parse(text), parse(text));
    }

    @Test
    void acceptsLowerCaseSeparators() {
        assertEquals(Instant.parse("2025-07-11T16:29:35.101Z"), parse("2025-07-11t16:29:35.101z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "2025-07-11", "2025-07-11T16:29:35", "2025-07-11T16:29:35.Z", "2025-07-11T16:29:35.1234567890Z",
            "2025-13-11T16:29:35Z", "2025-02-29T16:29:35Z", "1900-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
            "2025-07-11T24:00:00Z", "2025-07-11T16:60:35Z", "2025-07-11T16:29:60Z", "2025-07-11 16:29:35Z",
            "2025-07-11T16:29:35+0100", "2025-07-11T16:29:35+01", "2025-07-11T16:29:35+24:00",
            "2025-07-11T16:29:35ZZ", "2025-07-11T16:29:35.1x2Z", "20a5-07-11T16:29:35Z", "+2025-07-11T16:29:35Z",
            "2025-07-11T16:29:35.123 ", "not a timestamp at all",
    })
    void rejectsWhatIsNotRfc3339(String text) {
        char[] chars = text.toCharArray();
        assertFalse(parser.parse(chars, 0, chars.length), () -> "accepted " + text);
    }

    @Test
    void agreesWithInstantParseOnRandomInstants() {
        long seed = Long.getLong("nitelog.test.seed", System.nanoTime());
        System.out.println("TimestampParserTest seed: -Dnitelog.test.seed=" + seed);
        Random random = new Random(seed);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(min + (long) (random.nextDouble() * (max - min)),
                    random.nextInt(1_000_000_000));
            int digits = random.nextInt(10);
            String text = format(instant, digits, random.nextInt(3) - 1, random.nextInt(18), random.nextInt(60));
            assertEquals(Instant.parse(text), parse(text), () -> text + " (seed " + seed + ")");
        }
    }

    /** {@code instant} truncated to {@code digits} fractional digits, in UTC or at an offset. */
    private static String format(Instant instant, int digits, int sign, int hours, int minutes) {
        java.time.ZoneOffset offset = sign == 0 ? java.time.ZoneOffset.UTC
                : java.time.ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        java.time.OffsetDateTime at = instant.atOffset(offset);
        if (at.getYear() < 1 || at.getYear() > 9999) {
            at = instant.atOffset(java.time.ZoneOffset.UTC);
        }
        String base = String.format("%04d-%02d-%02dT%02d:%02d:%02d", at.getYear(), at.getMonthValue(),
                at.getDayOfMonth(), at.getHour(), at.getMinute(), at.getSecond());
        String fraction = digits == 0 ? "" : "." + String.format("%09d", at.getNano()).substring(0, digits);
        String zone = at.getOffset().getTotalSeconds() == 0 ? "Z" : at.getOffset().getId();
        return base + fraction + zone;
    }
}
