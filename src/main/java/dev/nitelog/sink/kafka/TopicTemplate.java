package dev.nitelog.sink.kafka;

import dev.nitelog.record.LogRecord;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code topic} option: a fixed name, or a template with {@code {job}} and {@code {service}}
 * filled in per record.
 */
final class TopicTemplate {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern ILLEGAL_CHAR = Pattern.compile("[^a-zA-Z0-9._-]");

    private final String template;
    private final boolean templated;

    private TopicTemplate(String template) {
        this.template = template;
        this.templated = template.contains("{job}") || template.contains("{service}");
    }

    /** @throws IllegalArgumentException naming the key when the template can never give a legal topic */
    static TopicTemplate parse(String key, String template) {
        String sample = template.replace("{job}", "j").replace("{service}", "s");
        if (!LEGAL.matcher(sample).matches() || sample.equals(".") || sample.equals("..")) {
            throw new IllegalArgumentException(key + "=" + template + " is not a valid Kafka topic: use up to 249"
                    + " letters, digits, '.', '_' and '-', plus the placeholders {job} and {service}");
        }
        return new TopicTemplate(template);
    }

    /** The one topic every record goes to, or empty when it depends on the record. */
    Optional<String> fixed() {
        return templated ? Optional.empty() : Optional.of(template);
    }

    String resolve(LogRecord record) {
        if (!templated) {
            return template;
        }
        String topic = template.replace("{job}", record.jobId()).replace("{service}", record.service().jsonName());
        // a job id from the API could carry characters Kafka rejects; the topic must still be legal
        topic = ILLEGAL_CHAR.matcher(topic).replaceAll("_");
        return topic.length() > 249 ? topic.substring(0, 249) : topic;
    }

    @Override
    public String toString() {
        return template;
    }
}
