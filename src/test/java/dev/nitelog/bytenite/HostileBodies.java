package dev.nitelog.bytenite;

import dev.nitelog.record.Level;
import dev.nitelog.record.Service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Hostile {@code POST /logs} bodies for {@link LogsParserFuzzTest}, built from the contract
 * ({@code logsGetLogsResponse}: partitioner and assembler arrays, a taskrunner map of
 * {@code {logs:[...]}}, entries of log/timestamp/level/container) with the expected outcome of each.
 * All randomness comes from the one {@link Random}, so a seed replays the whole sequence.
 */
final class HostileBodies {
    /** What parsing a body must give. */
    enum Outcome {
        /** parses, with exactly {@link Body#expected()} */
        PARSES,
        /** throws MalformedResponseException */
        MALFORMED,
        /** either; when it parses, the record and counter totals are {@link Body#expected()}'s */
        MALFORMED_OR_COUNTS,
        /** either; nothing is known about the content (mutated bytes) */
        MALFORMED_OR_ANYTHING
    }

    /** One line the parser must keep. */
    record Kept(Instant timestamp, Service service, String taskId, String container, Level level, String message) {
    }

    /** The oracle: the kept lines in the parser's order and the two counters. */
    record Expected(List<Kept> records, int skipped, int malformed) {
    }

    /** A body, what it is (for failure messages and statistics) and what parsing it must give. */
    record Body(String kind, byte[] bytes, Instant skipBefore, Outcome outcome, Expected expected) {
    }

    private static final Level[] LEVELS = Level.values();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String[] ENTRY_FIELDS = {"log", "container", "level", "timestamp"};
    private static final Instant BASE = Instant.parse("2025-07-11T16:29:35Z");
    /** A private-use character that marks where invalid UTF-8 bytes go once the body is encoded. */
    private static final char BAD_BYTES_MARK = '\uE000';
    private static final byte[] MARK_UTF8 = String.valueOf(BAD_BYTES_MARK).getBytes(StandardCharsets.UTF_8);
    private static final byte[] INTERESTING = "{}[]\",:\\ \n0-9eE.tfnu\u007f".getBytes(StandardCharsets.US_ASCII);

    private static final int CORPUS_SIZE = 2_000;

    private final Random random;
    private final List<Body> corpus = new ArrayList<>();

    HostileBodies(Random random) {
        this.random = random;
    }

    // ---------------------------------------------------------------- kinds of body

    /** A generated body: valid with good and bad entries, structurally broken, or at a parser limit. */
    Body generated() {
        int pick = random.nextInt(1000);
        if (pick < 520) {
            return valid();
        } else if (pick < 640) {
            return truncated(valid());
        } else if (pick < 760) {
            return wrongContainer();
        } else if (pick < 840) {
            return notALogsObject();
        } else if (pick < 920) {
            return invalidUtf8();
        } else if (pick < 960) {
            return otherEncoding();
        } else if (pick < 998) {
            return nested(random.nextInt(400) + 1);
        } else {
            return atLimit();
        }
    }

    /** A valid body from a corpus (made on first use), with 1 to 4 random byte-level mutations. */
    Body mutated() {
        if (corpus.isEmpty()) {
            while (corpus.size() < CORPUS_SIZE) {
                Body valid = valid();
                if (valid.bytes().length <= 16 * 1024) { // bytes are not more interesting for being many
                    corpus.add(valid);
                }
            }
        }
        Body valid = corpus.get(random.nextInt(corpus.size()));
        byte[] bytes = valid.bytes();
        int mutations = 1 + random.nextInt(4);
        StringBuilder kind = new StringBuilder("mutated");
        for (int i = 0; i < mutations; i++) {
            int op = random.nextInt(8);
            bytes = mutate(bytes, op);
            kind.append(':').append(op);
        }
        return new Body(kind.toString(), bytes, valid.skipBefore(), Outcome.MALFORMED_OR_ANYTHING, null);
    }

    private byte[] mutate(byte[] in, int op) {
        if (in.length == 0) {
            return new byte[] {interesting()};
        }
        int at = random.nextInt(in.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 8);
        switch (op) {
            case 0 -> { // flip one bit
                byte[] copy = in.clone();
                copy[at] ^= (byte) (1 << random.nextInt(8));
                return copy;
            }
            case 1 -> { // overwrite with a structural or odd byte
                byte[] copy = in.clone();
                copy[at] = random.nextBoolean() ? interesting() : (byte) random.nextInt(256);
                return copy;
            }
            case 2 -> { // insert
                out.write(in, 0, at);
                out.write(random.nextBoolean() ? interesting() : random.nextInt(256));
                out.write(in, at, in.length - at);
            }
            case 3 -> { // delete one byte
                out.write(in, 0, at);
                out.write(in, at + 1, in.length - at - 1);
            }
            case 4 -> { // delete a range
                int end = Math.min(in.length, at + 1 + random.nextInt(32));
                out.write(in, 0, at);
                out.write(in, end, in.length - end);
            }
            case 5 -> { // duplicate a range
                int end = Math.min(in.length, at + 1 + random.nextInt(64));
                out.write(in, 0, end);
                out.write(in, at, in.length - at);
            }
            case 6 -> { // truncate
                out.write(in, 0, at);
            }
            default -> { // swap two bytes
                byte[] copy = in.clone();
                int other = random.nextInt(in.length);
                byte b = copy[at];
                copy[at] = copy[other];
                copy[other] = b;
                return copy;
            }
        }
        return out.toByteArray();
    }

    private byte interesting() {
        return INTERESTING[random.nextInt(INTERESTING.length)];
    }

    /** A well-formed logs response of good, bad, old and odd entries; the oracle is exact. */
    Body valid() {
        Instant floor = random.nextBoolean() ? null : BASE.plusNanos(random.nextInt(2_000_000_000) - 1_000_000_000L);
        Oracle oracle = new Oracle(floor);
        String json = response(oracle);
        return new Body("valid", utf8(json), floor, Outcome.PARSES, oracle.expected());
    }

    /** Cut anywhere before the closing brace: never a complete object. */
    private Body truncated(Body valid) {
        byte[] bytes = valid.bytes();
        int lastBrace = lastIndexOf(bytes, (byte) '}');
        int cut = random.nextInt(lastBrace + 1);
        return new Body("truncated", java.util.Arrays.copyOf(bytes, cut), valid.skipBefore(), Outcome.MALFORMED, null);
    }

    /** A response whose partitioner, assembler, taskrunner, a task or its logs has the wrong JSON type. */
    private Body wrongContainer() {
        String wrong = pick("\"SECRET-IN-BODY\"", "42", "-1e999", "true", "false", "\"\"", "0");
        String good = "\"partitioner\":[" + goodEntry() + "]";
        String body = switch (random.nextInt(6)) {
            case 0 -> "{" + good + ",\"assembler\":" + pick(wrong, "{}", "{\"log\":\"x\"}") + "}";
            case 1 -> "{\"partitioner\":" + pick(wrong, "{\"0\":" + goodEntry() + "}") + "}";
            case 2 -> "{\"taskrunner\":" + pick(wrong, "[]", "[{\"logs\":[]}]") + "," + good + "}";
            case 3 -> "{" + good + ",\"taskrunner\":{\"t1\":{\"logs\":[]},\"t2\":" + pick(wrong, "[]", "[" + goodEntry() + "]") + "}}";
            case 4 -> "{\"taskrunner\":{\"t1\":{\"logs\":" + pick(wrong, "{}", "{\"a\":" + goodEntry() + "}") + "}}}";
            default -> "{\"taskrunner\":{\"t1\":{\"logs\":[" + goodEntry() + "]}},\"taskrunner\":" + pick(wrong, "[]") + "}";
        };
        return new Body("wrong-container", utf8(body), null, Outcome.MALFORMED, null);
    }

    /** Bodies a proxy, a gateway or a confused server might send instead of a logs object. */
    private Body notALogsObject() {
        String entry = goodEntry();
        String body = pick(
                "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
                "<!DOCTYPE html><html><body>Service Unavailable SECRET-IN-BODY</body></html>",
                "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>",
                "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
                "", " ", "\n\n", "null", "true", "42", "-0.5e10", "\"partitioner\"", "[]", "[" + entry + "]",
                "[{\"partitioner\":[]}]", "{\"partitioner\":[]}{\"partitioner\":[]}", "{\"partitioner\":[]}]",
                "{\"partitioner\":[]} SECRET-IN-BODY", "{\"partitioner\":[]},", "{\"partitioner\":[" + entry + "],}",
                "{\"partitioner\":[" + entry + ",]}", "{'partitioner':[]}", "{partitioner:[]}",
                "/* c */ {\"partitioner\":[]}", "{\"partitioner\":[NaN]}", "{\"partitioner\":[Infinity]}",
                "{\"partitioner\":[undefined]}", "callback({\"partitioner\":[]})", "{\"partitioner\" [] }",
                "{\"partitioner\":[] \"assembler\":[]}", "{\"partitioner\":[{\"log\":\"a\" \"timestamp\":\"x\"}]}",
                "{\"partitioner\":[{\"log\":\"unterminated}]}", "{\"partitioner\":[{\"log\":\"bad escape \\q\"}]}",
                "{\"partitioner\":[{\"log\":\"raw control \u0001 char\"}]}", "{\"partitioner\":[{\"log\":\"\\u12\"}]}",
                "{\"partitioner\":[01]}", "{\"partitioner\":[1.]}", "{\"partitioner\":[.5]}", "{\"partitioner\":[+1]}",
                "{\"partitioner\":[tru]}", "{\"partitioner\":[nul]}", "{\"partitioner\":[\u0000]}", "{\"a\"}", "{:1}", "}", "{{}}");
        return new Body("not-logs", utf8(body), null, Outcome.MALFORMED, null);
    }

    /** Raw bytes that are not UTF-8 inside a string, a name or between tokens. */
    private Body invalidUtf8() {
        Oracle oracle = new Oracle(null);
        Kept kept = new Kept(timestamp(BASE), Service.PARTITIONER, null, "main", Level.INFO, "bad " + BAD_BYTES_MARK + " bytes");
        oracle.keep(kept);
        String json = "{\"partitioner\":[" + entryJson(kept) + "," + goodEntry(oracle) + "]}";
        byte[] bad = pick(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0x80}, new byte[] {(byte) 0xc3},
                new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xfe, (byte) 0xff});
        byte[] bytes = replaceMark(utf8(json), bad);
        if (random.nextInt(4) == 0) { // outside any string instead
            bytes = concat(bad, bytes);
        }
        return new Body("invalid-utf8", bytes, null, Outcome.MALFORMED_OR_COUNTS, oracle.expected());
    }

    /** A valid body in UTF-16 or UTF-32 (Jackson detects these), sometimes with one code unit broken. */
    private Body otherEncoding() {
        Body valid = valid();
        String text = new String(valid.bytes(), StandardCharsets.UTF_8);
        Charset charset = Charset.forName(pick("UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE", "UTF-16"));
        byte[] bytes = text.getBytes(charset);
        if (random.nextBoolean() && bytes.length > 8) {
            bytes[4 + random.nextInt(bytes.length - 4)] = (byte) random.nextInt(256);
            return new Body("encoding-broken:" + charset, bytes, valid.skipBefore(), Outcome.MALFORMED_OR_ANYTHING, null);
        }
        return new Body("encoding:" + charset, bytes, valid.skipBefore(), Outcome.MALFORMED_OR_COUNTS, valid.expected());
    }

    /** Unknown fields nested {@code depth} deep beside good entries; Jackson allows 1000 levels in all. */
    Body nested(int depth) {
        Oracle oracle = new Oracle(null);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String deep = open.repeat(depth) + "1" + close.repeat(depth);
        String json = "{\"x\":" + deep + ",\"partitioner\":[" + goodEntry(oracle) + ",{\"extra\":" + deep + ","
                + "\"timestamp\":\"2025-01-01T00:00:00Z\"}]}";
        oracle.keep(new Kept(Instant.parse("2025-01-01T00:00:00Z"), Service.PARTITIONER, null, "", Level.UNKNOWN, ""));
        boolean tooDeep = depth + 3 > 1000; // object, "partitioner" array, entry object
        return new Body("nested:" + depth, utf8(json), null, tooDeep ? Outcome.MALFORMED : Outcome.PARSES,
                tooDeep ? null : oracle.expected());
    }

    /** At or past Jackson's limits: deep nesting, numbers and names past their lengths, long strings. */
    private Body atLimit() {
        return switch (random.nextInt(6)) {
            case 0 -> nested(1000 + random.nextInt(200_000));
            case 1 -> new Body("huge-number", utf8("{\"x\":" + "9".repeat(1001 + random.nextInt(1_000_000))
                    + ",\"partitioner\":[]}"), null, Outcome.MALFORMED, null);
            case 2 -> new Body("huge-task-id", utf8("{\"taskrunner\":{\"" + "t".repeat(50_001 + random.nextInt(100_000))
                    + "\":{\"logs\":[]}}}"), null, Outcome.MALFORMED, null);
            case 3 -> new Body("open-brackets", utf8("[".repeat(1 + random.nextInt(1_000_000))), null, Outcome.MALFORMED, null);
            default -> {
                Oracle oracle = new Oracle(null);
                String message = randomString(1 + random.nextInt(1 << 20), true);
                Kept kept = new Kept(timestamp(BASE), Service.ASSEMBLER, null, randomString(random.nextInt(100_000), false),
                        Level.WARN, message);
                oracle.keep(kept);
                yield new Body("long-strings", utf8("{\"assembler\":[" + entryJson(kept) + "]}"), null, Outcome.PARSES,
                        oracle.expected());
            }
        };
    }

    // ---------------------------------------------------------------- a valid response

    private String response(Oracle oracle) {
        List<String> members = new ArrayList<>();
        List<Runnable> order = new ArrayList<>();
        // members are written in a random order; the oracle must see the entries in that order
        List<String> keys = new ArrayList<>(List.of("partitioner", "assembler", "taskrunner"));
        Collections.shuffle(keys, random);
        for (String key : keys) {
            int present = random.nextInt(10);
            if (present == 0) {
                continue;
            }
            if (present == 1) {
                members.add(quote(key) + ":" + ws() + "null");
                continue;
            }
            members.add(quote(key) + ":" + ws() + switch (key) {
                case "partitioner" -> entries(Service.PARTITIONER, null, oracle);
                case "assembler" -> entries(Service.ASSEMBLER, null, oracle);
                default -> taskrunner(oracle);
            });
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            members.add(random.nextInt(members.size() + 1), quote(unknownName()) + ":" + unknownValue(3));
        }
        return ws() + "{" + ws() + String.join("," + ws(), members) + ws() + "}" + ws();
    }

    private String taskrunner(Oracle oracle) {
        List<String> tasks = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            String taskId = taskId();
            String value = switch (random.nextInt(8)) {
                case 0 -> "null";
                case 1 -> "{}";
                case 2 -> "{\"logs\":null}";
                default -> {
                    List<String> fields = new ArrayList<>();
                    fields.add("\"logs\":" + entries(Service.TASKRUNNER, taskId, oracle));
                    if (random.nextInt(4) == 0) {
                        fields.add(random.nextInt(2), quote(unknownName()) + ":" + unknownValue(2));
                    }
                    yield "{" + String.join(",", fields) + "}";
                }
            };
            tasks.add(quote(taskId) + ":" + ws() + value);
        }
        return "{" + String.join(",", tasks) + "}";
    }

    private String entries(Service service, String taskId, Oracle oracle) {
        List<String> entries = new ArrayList<>();
        int n = random.nextInt(100) == 0 ? random.nextInt(300) : random.nextInt(8);
        for (int i = 0; i < n; i++) {
            entries.add(entry(service, taskId, oracle));
        }
        return "[" + ws() + String.join("," + ws(), entries) + ws() + "]";
    }

    /** One entry, good or bad in one of many ways; the oracle learns which. */
    private String entry(Service service, String taskId, Oracle oracle) {
        if (random.nextInt(25) == 0) {
            oracle.malformed++;
            return pick("null", "17", "-1", "\"a string entry\"", "true", "[]", "[{\"log\":\"x\"}]", "1e400",
                    "\"2025-01-01T00:00:00Z\"", "[[[[]]]]");
        }
        List<String> fields = new ArrayList<>();
        boolean bad = false;
        String message = "";
        switch (random.nextInt(10)) {
            case 0 -> { }
            case 1 -> fields.add("\"log\":null");
            case 2 -> {
                fields.add("\"log\":" + wrongType());
                bad = true;
            }
            default -> {
                message = message();
                fields.add("\"log\":" + quote(message));
            }
        }
        String container = "";
        switch (random.nextInt(10)) {
            case 0 -> { }
            case 1 -> fields.add("\"container\":null");
            case 2 -> {
                fields.add("\"container\":" + wrongType());
                bad = true;
            }
            default -> {
                container = pick("main", "", "sidecar", "main", randomString(random.nextInt(40), random.nextBoolean()));
                fields.add("\"container\":" + quote(container));
            }
        }
        Level level = Level.UNKNOWN;
        switch (random.nextInt(12)) {
            case 0 -> { }
            case 1 -> fields.add("\"level\":null");
            case 2 -> {
                fields.add("\"level\":" + pick("2.0", "5e0", "-0.0", "1E2", "true", "false", "{}", "[]", "[\"INFO\"]", "{\"name\":\"INFO\"}"));
                bad = true;
            }
            case 3 -> {
                int n = random.nextInt(LEVELS.length);
                level = LEVELS[n];
                fields.add("\"level\":" + n);
            }
            case 4 -> fields.add("\"level\":" + pick("-1", "8", "-0", "255", "2147483647", "2147483648", "-2147483649",
                    "9223372036854775807", "9223372036854775808", "-99999999999999999999999", "1" + "0".repeat(1 + random.nextInt(900))));
            case 5 -> fields.add("\"level\":" + quote(pick("info", "NOTICE", "", "WARNING", " INFO", "INFO ", "5", "ÍNFO",
                    randomString(random.nextInt(2000), true))));
            default -> {
                level = LEVELS[random.nextInt(LEVELS.length)];
                fields.add("\"level\":" + quote(level.name()));
            }
        }
        Instant timestamp = null;
        switch (random.nextInt(14)) {
            case 0 -> { }
            case 1 -> fields.add("\"timestamp\":null");
            case 2 -> {
                fields.add("\"timestamp\":" + pick("1735689600", "1735689600.5", "-1", "true", "{}", "[\"2025-01-01T00:00:00Z\"]",
                        "{\"seconds\":\"1735689600\",\"nanos\":0}", "99999999999999999999999999"));
                bad = true;
            }
            case 3, 4 -> {
                fields.add("\"timestamp\":" + quote(invalidTimestamp()));
                bad = true;
            }
            default -> {
                Stamp stamp = validTimestamp();
                timestamp = stamp.instant();
                fields.add("\"timestamp\":" + quote(stamp.text()));
            }
        }
        for (int i = random.nextInt(6) == 0 ? 1 + random.nextInt(3) : 0; i > 0; i--) {
            fields.add(quote(unknownName()) + ":" + unknownValue(3));
        }
        Collections.shuffle(fields, random);
        if (bad || timestamp == null) {
            oracle.malformed++;
        } else {
            oracle.line(new Kept(timestamp, service, taskId, container, level, message));
        }
        return "{" + ws() + String.join("," + ws(), fields) + ws() + "}";
    }

    private String goodEntry() {
        return goodEntry(new Oracle(null));
    }

    private String goodEntry(Oracle oracle) {
        Kept kept = new Kept(timestamp(BASE.plusSeconds(random.nextInt(100))), Service.PARTITIONER, null, "main",
                Level.INFO, message());
        oracle.keep(kept);
        return entryJson(kept);
    }

    private static String entryJson(Kept k) {
        return "{\"log\":" + quote(k.message()) + ",\"timestamp\":\"" + k.timestamp() + "\",\"level\":\""
                + k.level() + "\",\"container\":" + quote(k.container()) + "}";
    }

    private String wrongType() {
        return pick("42", "-7", "1.5", "1e400", "-1e-400", "true", "false", "{}", "[]", "[\"text\"]",
                "{\"text\":\"x\"}", "9".repeat(1 + random.nextInt(900)), "[" + "[".repeat(20) + "]".repeat(20) + "]");
    }

    // ---------------------------------------------------------------- timestamps

    private record Stamp(String text, Instant instant) {
    }

    private Stamp validTimestamp() {
        LocalDateTime local;
        if (random.nextInt(10) == 0) { // anywhere in four-digit years
            local = LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1, 0, 0)
                    .plusDays(random.nextInt(31)).withHour(random.nextInt(24)).withMinute(random.nextInt(60))
                    .withSecond(random.nextInt(60));
            if (local.getYear() > 9999) {
                local = local.minusMonths(1);
            }
        } else { // near the skip floor, so that old, new and equal lines all occur
            local = LocalDateTime.ofEpochSecond(BASE.getEpochSecond() + random.nextInt(5) - 2, 0, ZoneOffset.UTC);
        }
        int digits = random.nextInt(10);
        int fraction = digits == 0 ? 0 : random.nextInt(pow10(digits));
        int offsetMinutes = random.nextInt(3) == 0 ? random.nextInt(2 * 24 * 60 - 1) - (24 * 60 - 1) : 0;
        StringBuilder text = new StringBuilder(35);
        pad(text, local.getYear(), 4).append('-');
        pad(text, local.getMonthValue(), 2).append('-');
        pad(text, local.getDayOfMonth(), 2).append(random.nextInt(10) == 0 ? 't' : 'T');
        pad(text, local.getHour(), 2).append(':');
        pad(text, local.getMinute(), 2).append(':');
        pad(text, local.getSecond(), 2);
        if (digits > 0) {
            pad(text.append('.'), fraction, digits);
        }
        if (offsetMinutes == 0 && random.nextInt(4) != 0) {
            text.append(random.nextInt(10) == 0 ? 'z' : 'Z');
        } else {
            int abs = Math.abs(offsetMinutes);
            text.append(offsetMinutes < 0 || (offsetMinutes == 0 && random.nextBoolean()) ? '-' : '+');
            pad(text, abs / 60, 2).append(':');
            pad(text, abs % 60, 2);
        }
        long seconds = local.toEpochSecond(ZoneOffset.UTC) - offsetMinutes * 60L;
        int nanos = digits == 0 ? 0 : fraction * pow10(9 - digits);
        return new Stamp(text.toString(), Instant.ofEpochSecond(seconds, nanos));
    }

    private String invalidTimestamp() {
        String valid = validTimestamp().text();
        return switch (random.nextInt(24)) {
            case 0 -> "";
            case 1 -> "yesterday";
            case 2 -> "1735689600";
            case 3 -> valid.substring(0, random.nextInt(valid.length()));
            case 4 -> valid.replaceFirst("-\\d\\d-", "-13-");
            case 5 -> valid.replaceFirst("-\\d\\d-", "-00-");
            case 6 -> "2025-02-29T00:00:00Z";
            case 7 -> "2024-04-31T00:00:00Z";
            case 8 -> "2025-01-01T24:00:00Z";
            case 9 -> "2025-01-01T00:60:00Z";
            case 10 -> "2016-12-31T23:59:60Z";
            case 11 -> "2025-01-01T00:00:00.1234567890Z";
            case 12 -> "2025-01-01T00:00:00.Z";
            case 13 -> "2025-01-01T00:00:00";
            case 14 -> "2025-01-01T00:00:00+2:00";
            case 15 -> "2025-01-01T00:00:00+24:00";
            case 16 -> "2025-01-01T00:00:00 UTC";
            case 17 -> " " + valid;
            case 18 -> valid + " ";
            case 19 -> "+10000-01-01T00:00:00Z";
            case 20 -> "25-01-01T00:00:00Z";
            case 21 -> (char) ('\u0660' + valid.charAt(0) - '0') + valid.substring(1); // an Arabic-Indic digit
            case 22 -> valid + "x".repeat(1 + random.nextInt(random.nextInt(50) == 0 ? 100_000 : 100));
            default -> "2025-01-01 00:00:00Z";
        };
    }

    private Instant timestamp(Instant around) {
        return around.plusNanos(random.nextInt(1_000_000_000));
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    private static int pow10(int n) {
        int v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    // ---------------------------------------------------------------- strings and unknown values

    private String message() {
        return switch (random.nextInt(20)) {
            case 0 -> "";
            case 1 -> randomString(random.nextInt(200), true);
            case 2 -> "Grüße 日本語 😀 \u0000 tab\t quote\" backslash\\ \u2028 \r\n";
            case 3 -> "lone \ud800 surrogate \udfff";
            case 4 -> random.nextInt(20) == 0 ? randomString(random.nextInt(20_000), random.nextBoolean()) : "progress\r50%\r100%";
            default -> "line " + random.nextInt(5); // repeats, so identical lines get occurrence numbers
        };
    }

    private String taskId() {
        return switch (random.nextInt(10)) {
            case 0 -> "";
            case 1 -> randomString(random.nextInt(300), true);
            case 2 -> "task \"quoted\" \\ \u0001";
            default -> new java.util.UUID(random.nextLong(), random.nextLong()).toString();
        };
    }

    private String unknownName() {
        String name = pick("extra", "labels", "count", "", "taskId", "stream", "LOG", "Log", "timestamp ", "nanos",
                randomString(random.nextInt(30), true));
        for (String field : ENTRY_FIELDS) {
            if (name.equals(field)) {
                return name + "_";
            }
        }
        return name.equals("partitioner") || name.equals("assembler") || name.equals("taskrunner") ? name + "_" : name;
    }

    /** Any JSON value, nested at most {@code depth} levels more. */
    private String unknownValue(int depth) {
        int pick = random.nextInt(depth <= 0 ? 8 : 11);
        return switch (pick) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "-12.5e-3";
            case 3 -> "9".repeat(1 + random.nextInt(999));
            case 4 -> "-0." + "1".repeat(1 + random.nextInt(899)) + "E+999999";
            case 5 -> quote(message());
            case 6 -> "\"2025-01-01T00:00:00Z\"";
            case 7 -> {
                int levels = 1 + random.nextInt(100);
                yield "[".repeat(levels) + "]".repeat(levels);
            }
            case 8 -> "[" + unknownValue(depth - 1) + "," + unknownValue(depth - 1) + "]";
            case 9 -> "{\"log\":" + unknownValue(depth - 1) + ",\"timestamp\":\"2025-01-01T00:00:00Z\"}";
            default -> "{" + quote(unknownName()) + ":" + unknownValue(depth - 1) + "}";
        };
    }

    /** Random text; {@code wide} adds non-ASCII, controls and astral characters. */
    private String randomString(int length, boolean wide) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            if (!wide || random.nextInt(4) != 0) {
                s.append((char) (' ' + random.nextInt(95)));
            } else {
                switch (random.nextInt(5)) {
                    case 0 -> s.append((char) random.nextInt(0x20));
                    case 1 -> s.append((char) (0xa0 + random.nextInt(0x700)));
                    case 2 -> s.append((char) (0x3000 + random.nextInt(0x5000)));
                    case 3 -> s.appendCodePoint(0x1F300 + random.nextInt(0x300));
                    default -> s.append(random.nextBoolean() ? '"' : '\\');
                }
            }
        }
        return s.toString();
    }

    private String ws() {
        return random.nextInt(8) != 0 ? "" : pick(" ", "\n", "\t", "\r\n", "  \n  ");
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    /** JSON string literal; surrogates always escaped (a lone one has no UTF-8 form), other text at random. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) || (c > 0x7e && c != BAD_BYTES_MARK && (c & 1) == 0)) {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                                .append(HEX[c & 15]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    // ---------------------------------------------------------------- bytes

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + (char) b);
    }

    private static byte[] replaceMark(byte[] bytes, byte[] with) {
        for (int i = 0; i + MARK_UTF8.length <= bytes.length; i++) {
            if (bytes[i] == MARK_UTF8[0] && bytes[i + 1] == MARK_UTF8[1] && bytes[i + 2] == MARK_UTF8[2]) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + with.length);
                out.write(bytes, 0, i);
                out.write(with, 0, with.length);
                out.write(bytes, i + MARK_UTF8.length, bytes.length - i - MARK_UTF8.length);
                return out.toByteArray();
            }
        }
        throw new IllegalArgumentException("no mark");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------- the oracle

    /** Builds the expected result as the body is written, in document order. */
    private static final class Oracle {
        private final Instant floor;
        private final List<Kept> kept = new ArrayList<>();
        private int skipped;
        private int malformed;

        Oracle(Instant floor) {
            this.floor = floor;
        }

        void line(Kept line) {
            if (floor != null && line.timestamp().isBefore(floor)) {
                skipped++;
            } else {
                kept.add(line);
            }
        }

        void keep(Kept line) {
            kept.add(line);
        }

        Expected expected() {
            List<Kept> sorted = new ArrayList<>(kept);
            sorted.sort(Comparator.comparing(Kept::timestamp)); // stable: ties keep document order
            return new Expected(List.copyOf(sorted), skipped, malformed);
        }
    }
}
