package dev.nitelog.sink.elasticsearch;

import dev.nitelog.testing.TestConfig;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.sink.DeadLetters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds Elasticsearch sinks from real config keys, and records for them. */
public final class EsTestSupport {
    private EsTestSupport() {
    }

    /** The sink {@code es} as SmallRye maps {@code nitelog.sinks.es.*} from these keys (without the prefix). */
    public static SinkConfig sinkConfig(Map<String, String> keys) {
        return sinkConfig("es", keys);
    }

    /** The sink {@code name} as SmallRye maps {@code nitelog.sinks.<name>.*} from these keys. */
    public static SinkConfig sinkConfig(String name, Map<String, String> keys) {
        return TestConfig.sink(name, "elasticsearch", keys);
    }

    public static ElasticsearchSink sink(Map<String, String> keys) {
        return sink("es", keys);
    }

    public static ElasticsearchSink sink(String name, Map<String, String> keys) {
        return (ElasticsearchSink) TestConfig.create(new ElasticsearchSinkFactory(), name, keys);
    }

    /** {@code n} distinct records of job {@code job}, a millisecond apart from {@code start}. */
    public static List<LogRecord> records(String job, int from, int to, Instant start) {
        List<LogRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Instant ts = start.plusMillis(i).plusNanos(123);
            String message = "line " + i + " of " + job;
            Service service = i % 3 == 0 ? Service.PARTITIONER : Service.TASKRUNNER;
            String task = service == Service.TASKRUNNER ? "task-" + (i % 4) : null;
            String container = service == Service.TASKRUNNER ? "app" : "";
            RecordId id = RecordId.of(job, service, task, container, ts, message, Level.INFO, 0);
            out.add(new LogRecord(id, ts, job, job + " name", service, task, container, Level.INFO, message));
        }
        return out;
    }

    /** A dead-letter channel that keeps what it gets. */
    public static final class KeptDeadLetters implements DeadLetters {
        public final List<LogRecord> records = new CopyOnWriteArrayList<>();
        public final List<String> reasons = new CopyOnWriteArrayList<>();

        @Override
        public void reject(LogRecord record, String reason) {
            records.add(record);
            reasons.add(reason);
        }
    }
}
