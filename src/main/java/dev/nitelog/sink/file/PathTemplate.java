package dev.nitelog.sink.file;

import dev.nitelog.record.LogRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A file path template such as {@code /var/log/nitelog/{job}.log}. Values substituted for
 * {@code {job}}, {@code {job_name}}, {@code {service}} and {@code {date}} are sanitised (no
 * separators, no {@code ..}, no control characters) and the result must lie inside the base
 * directory, the directory part of the template before its first placeholder.
 *
 * <p>Not thread-safe: it remembers the last resolution, since consecutive records mostly share a
 * job, so a batch costs one path build per file, not one per record.
 */
final class PathTemplate {
    /** Longest substituted value in UTF-8 bytes, so that a long job name never exceeds NAME_MAX. */
    private static final int MAX_VALUE_BYTES = 120;

    private enum Var { JOB, JOB_NAME, SERVICE, DATE }

    private final String template;
    private final List<String> literals = new ArrayList<>(); // literals.get(i) precedes vars.get(i)
    private final List<Var> vars = new ArrayList<>();
    private final Path base;
    private final boolean usesJob;
    private final boolean usesJobName;
    private final boolean usesService;
    private final boolean usesDate;

    private String lastJob;
    private String lastJobName;
    private Object lastService;
    private long lastDay = Long.MIN_VALUE;
    private Path lastPath;

    private PathTemplate(String template) {
        this.template = template;
        parseParts(template);
        usesJob = vars.contains(Var.JOB);
        usesJobName = vars.contains(Var.JOB_NAME);
        usesService = vars.contains(Var.SERVICE);
        usesDate = vars.contains(Var.DATE);
        base = baseOf(template);
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the template (without the key)
     */
    static PathTemplate parse(String template) {
        if (template.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        for (String segment : template.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException("contains a '..' segment: use a path without '..'");
            }
        }
        if (template.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("contains a NUL character");
        }
        return new PathTemplate(template);
    }

    private void parseParts(String t) {
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '}') {
                throw new IllegalArgumentException("has an unmatched '}': placeholders are {job}, {job_name}, {service}, {date}");
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int end = t.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("has an unclosed '{': placeholders are {job}, {job_name}, {service}, {date}");
            }
            literals.add(literal.toString());
            literal.setLength(0);
            vars.add(var(t.substring(i + 1, end)));
            i = end + 1;
        }
        literals.add(literal.toString());
        if (t.endsWith("/") || t.endsWith("\\")) {
            throw new IllegalArgumentException("names a directory: end it with a file name, e.g. {job}.log");
        }
    }

    private static Var var(String name) {
        return switch (name) {
            case "job" -> Var.JOB;
            case "job_name" -> Var.JOB_NAME;
            case "service" -> Var.SERVICE;
            case "date" -> Var.DATE;
            default -> throw new IllegalArgumentException("has an unknown placeholder {" + name
                    + "}: use {job}, {job_name}, {service} or {date}");
        };
    }

    private static Path baseOf(String template) {
        int brace = template.indexOf('{');
        String fixed = brace < 0 ? template : template.substring(0, brace);
        int slash = Math.max(fixed.lastIndexOf('/'), fixed.lastIndexOf('\\'));
        String dir = slash < 0 ? "" : fixed.substring(0, slash + 1);
        try {
            return Path.of(dir.isEmpty() ? "." : dir).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path: " + e.getMessage());
        }
    }

    /** The directory every resolved file lies in or below. */
    Path base() {
        return base;
    }

    /** Whether files change name with the records' day, so the sink need not rotate at midnight. */
    boolean hasDate() {
        return usesDate;
    }

    String template() {
        return template;
    }

    /** The file for a record, or null when it would lie outside {@link #base()}. */
    Path resolve(LogRecord record) {
        long day = usesDate ? epochDay(record) : 0;
        if (lastPath != null
                && (!usesJob || Objects.equals(lastJob, record.jobId()))
                && (!usesJobName || Objects.equals(lastJobName, record.jobName()))
                && (!usesService || lastService == record.service())
                && (!usesDate || lastDay == day)) {
            return lastPath;
        }
        Path path = build(record, day);
        lastJob = record.jobId();
        lastJobName = record.jobName();
        lastService = record.service();
        lastDay = day;
        lastPath = path;
        return path;
    }

    private Path build(LogRecord record, long day) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        for (int i = 0; i < vars.size(); i++) {
            out.append(literals.get(i));
            out.append(switch (vars.get(i)) {
                case JOB -> sanitise(record.jobId());
                case JOB_NAME -> sanitise(record.jobName());
                case SERVICE -> sanitise(record.service().jsonName());
                case DATE -> LocalDate.ofEpochDay(day).toString();
            });
        }
        out.append(literals.get(literals.size() - 1));
        Path path;
        try {
            path = Path.of(out.toString()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        return path.startsWith(base) && !path.equals(base) ? path : null;
    }

    /** The UTC day of the record's timestamp, as days since 1970-01-01. */
    static long epochDay(LogRecord record) {
        return Math.floorDiv(record.timestamp().getEpochSecond(), 86_400);
    }

    /**
     * Makes a value safe as (part of) one file name: separators, NUL and control characters
     * become {@code _}, so do {@code ..}, and an empty or {@code .} value; long values are cut.
     */
    static String sanitise(String value) {
        if (value == null) {
            return "_";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c == '/' || c == '\\' || c < 0x20 || c == 0x7F ? '_' : c);
        }
        String s = out.toString().replace("..", "__");
        if (s.isEmpty() || s.equals(".")) {
            return "_";
        }
        return cut(s);
    }

    private static String cut(String s) {
        if (s.length() * 3 <= MAX_VALUE_BYTES || s.getBytes(StandardCharsets.UTF_8).length <= MAX_VALUE_BYTES) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > MAX_VALUE_BYTES) {
                break;
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }
}
