package dev.nitelog.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code GET /jobs}, {@code POST /jobs/filter} and {@code GET /jobs/{id}}. */
final class JobsResource {

    private final JobRegistry jobs;
    private final Http http;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final int maxPageSize;

    JobsResource(JobRegistry jobs, Http http, ObjectMapper mapper, Clock clock, int maxPageSize) {
        this.jobs = jobs;
        this.http = http;
        this.mapper = mapper;
        this.clock = clock;
        this.maxPageSize = maxPageSize;
    }

    void list(HttpExchange ex) throws IOException {
        Map<String, String> q = Http.query(ex);
        long limit = parseLong("pagination.limit", q.get("pagination.limit"));
        long offset = parseLong("pagination.offset", q.get("pagination.offset"));
        page(ex, ordered(jobs.all(), q.get("orderBy")), limit, offset);
    }

    void filter(HttpExchange ex) throws IOException {
        JsonNode body = Requests.parse(mapper, Http.readBody(ex));
        JsonNode pagination = body.path("pagination");
        long limit = Requests.int64(pagination.path("limit"), "pagination.limit");
        long offset = Requests.int64(pagination.path("offset"), "pagination.offset");
        List<SimJob> matching = new ArrayList<>(jobs.all());
        for (JsonNode f : body.path("filters")) {
            String state = stateFilter(f);
            matching.removeIf(job -> !job.state().equals(state));
        }
        page(ex, ordered(matching, body.path("orderBy").asText(null)), limit, offset);
    }

    void get(HttpExchange ex, String id) throws IOException {
        SimJob job = jobs.get(id);
        if (job == null) {
            http.sendError(ex, 404, 5, "job not found");
            return;
        }
        SimJob.View v = job.view();
        Instant now = clock.instant();
        http.sendJson(ex, g -> {
            g.writeStartObject();
            g.writeFieldName("job");
            writeJob(g, v, now);
            g.writeFieldName("templateInfo");
            writeTemplate(g, v.template());
            g.writeEndObject();
        });
    }

    /** Only {@code state} with {@code FILTER_CONDITION_EQ}: the one filter API.md knows of. */
    private static String stateFilter(JsonNode f) {
        String field = f.path("field").asText("");
        String condition = f.path("condition").asText("");
        if (!"state".equals(field) || !"FILTER_CONDITION_EQ".equals(condition)) {
            throw new Http.BadRequest("unsupported filter: field '" + field + "' condition '" + condition
                    + "' (only field state with FILTER_CONDITION_EQ)");
        }
        JsonNode value = f.path("value");
        String state = value.isTextual() ? value.asText() : value.path("value").asText(null);
        if (state == null) {
            throw new Http.BadRequest("filter value must be a google.protobuf.StringValue");
        }
        return state;
    }

    private void page(HttpExchange ex, List<SimJob> all, long limit, long offset) throws IOException {
        if (limit < 0 || offset < 0) {
            throw new Http.BadRequest("pagination.limit and pagination.offset must not be negative");
        }
        int size = (int) (limit == 0 ? maxPageSize : Math.min(limit, maxPageSize));
        int from = (int) Math.min(offset, all.size());
        List<SimJob> page = all.subList(from, Math.min(all.size(), from + size));
        List<SimJob.View> views = page.stream().map(SimJob::view).toList();
        Instant now = clock.instant();
        http.sendJson(ex, g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("pagination");
            http.int64(g, "total", all.size());
            http.int64(g, "offset", offset);
            g.writeBooleanField("hasPrevious", offset > 0);
            g.writeBooleanField("hasNext", from + views.size() < all.size());
            g.writeEndObject();
            g.writeArrayFieldStart("data");
            for (SimJob.View v : views) {
                writeJob(g, v, now);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code createdAt} (default) or {@code name}, optionally followed by {@code asc} or {@code desc}. */
    private static List<SimJob> ordered(List<SimJob> in, String orderBy) {
        if (orderBy == null || orderBy.isBlank()) {
            return in;
        }
        String[] parts = orderBy.trim().split("\\s+");
        Comparator<SimJob> cmp = switch (parts[0]) {
            case "createdAt", "created_at" -> Comparator.comparing(j -> j.createdAt);
            case "name" -> Comparator.comparing(j -> j.name);
            default -> throw new Http.BadRequest("unsupported orderBy field '" + parts[0] + "' (createdAt or name)");
        };
        if (parts.length > 1 && parts[1].toLowerCase(Locale.ROOT).equals("desc")) {
            cmp = cmp.reversed();
        }
        List<SimJob> out = new ArrayList<>(in);
        out.sort(cmp);
        return out;
    }

    private static long parseLong(String name, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Http.BadRequest("invalid value for " + name + ": '" + value + "'");
        }
    }

    private void writeJob(JsonGenerator g, SimJob.View v, Instant now) throws IOException {
        boolean done = JobStates.COMPLETE.equals(v.state());
        g.writeStartObject();
        g.writeStringField("id", v.id());
        g.writeStringField("templateId", v.template().id());
        g.writeStringField("name", v.name());
        g.writeStringField("description", "");
        g.writeObjectFieldStart("config");
        http.int64(g, "taskTimeout", 3600);
        http.int64(g, "jobTimeout", 86400);
        g.writeBooleanField("isTestJob", false);
        g.writeEndObject();
        g.writeStringField("priority", "EXECUTION_PRIORITY_UNDEFINED");
        http.unset(g, "startAt");
        http.time(g, "submittedAt", v.createdAt());
        http.time(g, "startedAt", v.startedAt());
        http.time(g, "endedAt", v.endedAt());
        http.unset(g, "regions");
        g.writeStringField("state", v.state());
        g.writeObjectFieldStart("dataSource");
        g.writeStringField("dataSourceDescriptor", "bypass");
        g.writeObjectFieldStart("params");
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectFieldStart("dataDestination");
        g.writeStringField("dataSourceDescriptor", "bucket");
        g.writeObjectFieldStart("params");
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectFieldStart("params");
        g.writeObjectFieldStart("partitioner");
        g.writeNumberField("num_replicas", v.numChunks());
        g.writeEndObject();
        g.writeObjectFieldStart("assembler");
        g.writeEndObject();
        g.writeObjectFieldStart("app");
        g.writeStringField("prompt", "a lighthouse at night, oil painting");
        g.writeEndObject();
        g.writeEndObject();
        http.int64(g, "duration", SimJob.durationSeconds(v, now));
        http.unset(g, "deletedAt");
        http.time(g, "createdAt", v.createdAt());
        http.int64(g, "paymentAmount", done ? v.numChunks() * 3L : 0);
        http.int64(g, "numChunks", v.numChunks());
        g.writeStringField("numUnitsEstimation", "0");
        g.writeStringField("errorMessage", v.errorMessage());
        g.writeObjectFieldStart("stateTimestamps");
        for (Map.Entry<String, Instant> e : new TreeMap<>(v.stateTimestamps()).entrySet()) {
            http.time(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeStringField("appId", v.template().app());
        g.writeEndObject();
    }

    private static void writeTemplate(JsonGenerator g, SimJob.Template t) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", t.id());
        g.writeStringField("owner", "bytenite-simulator");
        g.writeStringField("description", t.description());
        g.writeStringField("app", t.app());
        g.writeStringField("partitioner", t.partitioner());
        g.writeStringField("assembler", t.assembler());
        g.writeEndObject();
    }
}
