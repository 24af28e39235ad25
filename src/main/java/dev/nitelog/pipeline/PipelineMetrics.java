package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.MalformedResponseException;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.TimeUnit;

import static dev.nitelog.metrics.MetricNames.*;

/** The pipeline's meters; labels are bounded sets (outcome, sink name), never job or task ids. */
final class PipelineMetrics {
    private final MeterRegistry registry;

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void fetched(LogFetch fetch, long nanos) {
        registry.counter(POLLS, "outcome", "ok").increment();
        registry.timer(POLL_DURATION).record(nanos, TimeUnit.NANOSECONDS);
        registry.summary(RESPONSE_BYTES).record(fetch.responseBytes());
        registry.counter(RECORDS_FETCHED).increment(fetch.records().size());
        registry.counter(RECORDS_SKIPPED).increment(fetch.skipped());
        registry.counter(RECORDS_MALFORMED).increment(fetch.malformedEntries());
    }

    void pollFailed(ByteNiteException e) {
        registry.counter(POLLS, "outcome", outcome(e)).increment();
    }

    static String outcome(ByteNiteException e) {
        if (e == null) {
            return "error";
        }
        if (e instanceof MalformedResponseException) {
            return "parse_error";
        }
        int status = e.httpStatus();
        if (status == 429) {
            return "429";
        }
        if (status == 401 || status == 403) {
            return "auth";
        }
        if (status >= 500) {
            return "5xx";
        }
        return status == 0 ? "timeout" : "4xx";
    }

    void late(int count) {
        if (count > 0) {
            registry.counter(RECORDS_LATE).increment(count);
        }
    }

    void offered(String sink, int count) {
        if (count > 0) {
            registry.counter(SINK_RECORDS_QUEUED, "sink", sink).increment(count);
        }
    }

    void delivered(String sink, int count) {
        registry.counter(SINK_RECORDS_SENT, "sink", sink).increment(count);
    }

    void sinkFailed(String sink) {
        registry.counter(SINK_FAILURES, "sink", sink).increment();
    }
}
