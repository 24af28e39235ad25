package dev.nitelog.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /logs}: the job's whole log on every call, rendered with a streaming generator
 * from an immutable snapshot straight to the socket, whatever its size. With
 * {@code cacheRenderedLogs} the serialized body is kept per job, in segments, while neither the log
 * nor the filter changes.
 */
final class LogsResource {

    private static final Set<String> LEVELS = Set.of("UNKNOWN", "TRACE", "DEBUG", "INFO", "WARN", "ERROR",
            "FATAL", "PANIC");

    /** The request's filters; empty sets mean "no filter". */
    record Filter(Set<LogService> services, Set<String> levels, Set<String> taskIds) {
        boolean wants(LogService s) {
            return services.isEmpty() || services.contains(s);
        }

        boolean wantsLevel(String level) {
            return levels.isEmpty() || levels.contains(level);
        }

        boolean wantsTask(String taskId) {
            return taskIds.isEmpty() || taskIds.contains(taskId);
        }

        String key() {
            return services + "|" + levels + "|" + taskIds;
        }
    }

    private record Rendered(long version, String filterKey, Segments body) {
    }

    private final JobRegistry jobs;
    private final Http http;
    private final ObjectMapper mapper;
    private final StatsRecorder stats;
    private final boolean cache;
    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

    LogsResource(JobRegistry jobs, Http http, ObjectMapper mapper, StatsRecorder stats, boolean cache) {
        this.jobs = jobs;
        this.http = http;
        this.mapper = mapper;
        this.stats = stats;
        this.cache = cache;
    }

    void logs(HttpExchange ex) throws IOException {
        JsonNode body = Requests.parse(mapper, Http.readBody(ex));
        String jobId = body.path("jobId").asText("");
        if (jobId.isEmpty()) {
            throw new Http.BadRequest("invalid GetLogsRequest.JobId: value is required");
        }
        // Like grpc-gateway, a body that does not parse (bad enum) fails before the job is looked up.
        Filter filter = filter(body);
        stats.logsRequest(jobId);
        SimJob job = jobs.get(jobId);
        if (job == null) {
            http.sendError(ex, 404, 5, "job not found");
            return;
        }
        JobLog.Snapshot snap = job.log.snapshot();
        if (!cache) {
            http.sendJson(ex, g -> write(g, snap, filter));
            return;
        }
        Rendered r = rendered.get(jobId);
        if (r == null || r.version() != snap.version() || !r.filterKey().equals(filter.key())) {
            rendered.remove(jobId); // the old body is garbage before the new one is made
            r = new Rendered(snap.version(), filter.key(), http.renderSegments(g -> write(g, snap, filter)));
            rendered.put(jobId, r);
        }
        http.sendSegments(ex, r.body());
    }

    private static Filter filter(JsonNode body) {
        Set<LogService> services = EnumSet.noneOf(LogService.class);
        for (JsonNode s : body.path("services")) {
            try {
                services.add(LogService.valueOf(s.asText()));
            } catch (IllegalArgumentException e) {
                throw new Http.BadRequest("invalid value for enum logsLogService: " + s);
            }
        }
        Set<String> levels = new TreeSet<>();
        for (JsonNode l : body.path("levels")) {
            if (!LEVELS.contains(l.asText())) {
                throw new Http.BadRequest("invalid value for enum logsLogLevel: " + l);
            }
            levels.add(l.asText());
        }
        Set<String> taskIds = new TreeSet<>();
        for (JsonNode t : body.path("taskIds")) {
            taskIds.add(t.asText());
        }
        return new Filter(services, levels, taskIds);
    }

    /**
     * Task id filters apply to task runner streams only: what the real server does with them
     * for the partitioner and assembler is unknown.
     */
    private void write(JsonGenerator g, JobLog.Snapshot snap, Filter f) throws IOException {
        g.writeStartObject();
        stream(g, "partitioner", f.wants(LogService.PARTITIONER) ? snap.partitioner() : null, f);
        stream(g, "assembler", f.wants(LogService.ASSEMBLER) ? snap.assembler() : null, f);
        boolean open = false;
        if (f.wants(LogService.TASKRUNNER)) {
            for (int i = 0; i < snap.tasks().length; i++) {
                String taskId = snap.taskIds().get(i);
                if (!f.wantsTask(taskId) || count(snap.tasks()[i], f) == 0) {
                    continue;
                }
                if (!open) {
                    g.writeObjectFieldStart("taskrunner");
                    open = true;
                }
                g.writeObjectFieldStart(taskId);
                g.writeArrayFieldStart("logs");
                lines(g, snap.tasks()[i], f);
                g.writeEndArray();
                g.writeEndObject();
            }
        }
        if (open) {
            g.writeEndObject();
        } else {
            http.unset(g, "taskrunner");
        }
        g.writeEndObject();
    }

    private void stream(JsonGenerator g, String name, Line[] lines, Filter f) throws IOException {
        if (lines == null || count(lines, f) == 0) {
            http.unset(g, name);
            return;
        }
        g.writeArrayFieldStart(name);
        lines(g, lines, f);
        g.writeEndArray();
    }

    private static int count(Line[] lines, Filter f) {
        if (f.levels().isEmpty()) {
            return lines.length;
        }
        int n = 0;
        for (Line l : lines) {
            if (f.wantsLevel(l.level())) {
                n++;
            }
        }
        return n;
    }

    private static void lines(JsonGenerator g, Line[] lines, Filter f) throws IOException {
        for (Line l : lines) {
            if (!f.wantsLevel(l.level())) {
                continue;
            }
            g.writeStartObject();
            g.writeStringField("log", l.message());
            g.writeStringField("timestamp", l.timestamp());
            g.writeStringField("level", l.level());
            g.writeStringField("container", l.container());
            g.writeEndObject();
        }
    }
}
