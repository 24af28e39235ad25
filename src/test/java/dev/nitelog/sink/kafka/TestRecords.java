package dev.nitelog.sink.kafka;

import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Records and options for the Kafka sink tests. */
final class TestRecords {
    private TestRecords() {
    }

    /** One line of a job; the n-th line of every job has a later timestamp than the (n-1)-th. */
    static LogRecord line(String job, int n, String message) {
        Instant ts = Instant.ofEpochSecond(1_750_000_000L + n, 123_456_789);
        String task = n % 3 == 0 ? null : "task-" + (n % 4);
        Service service = task == null ? Service.PARTITIONER : Service.TASKRUNNER;
        RecordId id = RecordId.of(job, service, task, "main", ts, message, Level.INFO, 0);
        return new LogRecord(id, ts, job, "name of " + job, service, task, "main", Level.INFO, message);
    }

    /** Lines {@code from} (inclusive) to {@code to} of each job, interleaved in timestamp order. */
    static List<LogRecord> lines(List<String> jobs, int from, int to) {
        List<LogRecord> out = new ArrayList<>();
        for (int n = from; n < to; n++) {
            for (String job : jobs) {
                out.add(line(job, n, "line " + n + " of " + job + " \u00e9\u00e8 \"quoted\""));
            }
        }
        return out;
    }

    record Options(String topic, KafkaSinkOptions.Key key, Map<String, String> producer) implements KafkaSinkOptions {
        /** No sasl.* or tls.* keys, as the mapping resolves them when none is written. */
        private static final KafkaSinkOptions UNSET = dev.nitelog.testing.TestConfig.options("unset", "kafka",
                KafkaSinkOptions.class, Map.of());

        @Override
        public KafkaSasl sasl() {
            return UNSET.sasl();
        }

        @Override
        public dev.nitelog.sink.TlsOptions tls() {
            return UNSET.tls();
        }
    }
}
