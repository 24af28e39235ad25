package dev.nitelog.sink.elasticsearch;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.Utf8Buffer;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An index name template such as {@code bytenite-logs-{yyyy.MM.dd}}: {@code {yyyy.MM.dd}},
 * {@code {yyyy.MM}}, {@code {yyyy}} are the record's UTC date, {@code {job}} its job id,
 * {@code {service}} its service. Parsed once; rendering appends straight into the bulk body.
 */
final class IndexName {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    private enum Kind { LITERAL, DAY, MONTH, YEAR, JOB, SERVICE }

    private record Part(Kind kind, String literal) {
    }

    private final String template;
    private final List<Part> parts;

    private IndexName(String template, List<Part> parts) {
        this.template = template;
        this.parts = parts;
    }

    /** @throws IllegalArgumentException naming the unknown placeholder */
    static IndexName parse(String template) {
        List<Part> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(new Part(Kind.LITERAL, template.substring(last, m.start())));
            }
            parts.add(new Part(kind(m.group(1)), "")); // a placeholder: its text comes from the record
            last = m.end();
        }
        if (last < template.length()) {
            parts.add(new Part(Kind.LITERAL, template.substring(last)));
        }
        return new IndexName(template, List.copyOf(parts));
    }

    private static Kind kind(String placeholder) {
        return switch (placeholder) {
            case "yyyy.MM.dd" -> Kind.DAY;
            case "yyyy.MM" -> Kind.MONTH;
            case "yyyy" -> Kind.YEAR;
            case "job" -> Kind.JOB;
            case "service" -> Kind.SERVICE;
            default -> throw new IllegalArgumentException("{" + placeholder
                    + "} is not a placeholder: use {yyyy.MM.dd}, {yyyy.MM}, {yyyy}, {job} or {service}");
        };
    }

    /** The template with every placeholder as {@code *}: the index pattern of nitelog's template. */
    String pattern() {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            out.append(part.kind() == Kind.LITERAL ? part.literal() : "*");
        }
        return out.toString().replaceAll("\\*+", "*");
    }

    /** Appends the record's index name as a JSON string. */
    void appendJson(LogRecord record, Utf8Buffer out) {
        RecordJson.appendString(render(record), out);
    }

    String render(LogRecord record) {
        StringBuilder name = new StringBuilder(template.length() + 16);
        LocalDate date = null;
        for (Part part : parts) {
            if (part.kind() == Kind.DAY || part.kind() == Kind.MONTH || part.kind() == Kind.YEAR) {
                date = date != null ? date : LocalDate.ofInstant(record.timestamp(), ZoneOffset.UTC);
            }
            switch (part.kind()) {
                case LITERAL -> name.append(part.literal());
                case YEAR -> pad(name, date.getYear(), 4);
                case MONTH -> pad(pad(name, date.getYear(), 4).append('.'), date.getMonthValue(), 2);
                case DAY -> pad(pad(pad(name, date.getYear(), 4).append('.'), date.getMonthValue(), 2).append('.'),
                        date.getDayOfMonth(), 2);
                case JOB -> name.append(record.jobId().toLowerCase());
                case SERVICE -> name.append(record.service().jsonName());
            }
        }
        return name.toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
