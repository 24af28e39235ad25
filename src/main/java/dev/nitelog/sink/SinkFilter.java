package dev.nitelog.sink;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.Service;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** A sink's {@code levels}, {@code services} and {@code jobs} filters; empty means everything. */
record SinkFilter(Set<Level> levels, Set<Service> services, Set<String> jobs) implements Predicate<LogRecord> {

    static SinkFilter of(SinkConfig config) {
        return new SinkFilter(
                config.levels().filter(l -> !l.isEmpty()).map(EnumSet::copyOf).orElse(EnumSet.allOf(Level.class)),
                config.services().filter(s -> !s.isEmpty()).map(EnumSet::copyOf).orElse(EnumSet.allOf(Service.class)),
                Set.copyOf(config.jobs().orElse(List.of())));
    }

    boolean acceptsJob(String jobId) {
        return jobs.isEmpty() || jobs.contains(jobId);
    }

    @Override
    public boolean test(LogRecord record) {
        return levels.contains(record.level()) && services.contains(record.service());
    }
}
