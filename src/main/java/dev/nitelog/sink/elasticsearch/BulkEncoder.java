package dev.nitelog.sink.elasticsearch;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.Rfc3339;
import dev.nitelog.sink.Utf8Buffer;

/**
 * Encodes bulk {@code create} operations as NDJSON straight into a {@link Utf8Buffer}: the action
 * line with {@code _index} and {@code _id} (the record id, so a re-sent record is a 409, never a
 * duplicate), then the document. The document (docs/elasticsearch.md):
 * <pre>{"@timestamp","message","log":{"level"},"container":{"name"},
 *  "bytenite":{"job":{"id","name"},"service","task":{"id"}},"nitelog":{"record_id"}}</pre>
 * {@code container} is left out for app output (no container), {@code bytenite.task} for the
 * partitioner and assembler (no task).
 */
final class BulkEncoder {
    private final IndexName index;
    private final String dataStream; // null: write to index

    BulkEncoder(IndexName index, String dataStream) {
        this.index = index;
        this.dataStream = dataStream;
    }

    /** Appends one operation (action line and document, each ending in a newline). */
    void append(LogRecord r, Utf8Buffer out) {
        out.appendAscii("{\"create\":{\"_index\":");
        if (dataStream != null) {
            RecordJson.appendString(dataStream, out);
        } else {
            index.appendJson(r, out);
        }
        String id = r.id().hex();
        out.appendAscii(",\"_id\":\"").appendAscii(id).appendAscii("\"}}\n");
        appendDocument(r, id, out);
        out.appendByte('\n');
    }

    static void appendDocument(LogRecord r, String id, Utf8Buffer out) {
        out.appendAscii("{\"@timestamp\":\"");
        Rfc3339.append(r.timestamp(), out);
        out.appendAscii("\",\"message\":");
        RecordJson.appendString(r.message(), out);
        out.appendAscii(",\"log\":{\"level\":\"").appendAscii(r.level().name()).appendByte('"');
        if (r.cut()) { // Filebeat's mark for a line cut at its size bound
            out.appendAscii(",\"flags\":[\"truncated\"]");
        }
        out.appendByte('}');
        if (!r.container().isEmpty()) {
            out.appendAscii(",\"container\":{\"name\":");
            RecordJson.appendString(r.container(), out);
            out.appendByte('}');
        }
        out.appendAscii(",\"bytenite\":{\"job\":{\"id\":");
        RecordJson.appendString(r.jobId(), out);
        out.appendAscii(",\"name\":");
        RecordJson.appendString(r.jobName(), out);
        out.appendAscii("},\"service\":\"").appendAscii(r.service().jsonName()).appendByte('"');
        if (r.taskId() != null) {
            out.appendAscii(",\"task\":{\"id\":");
            RecordJson.appendString(r.taskId(), out);
            out.appendByte('}');
        }
        out.appendAscii("},\"nitelog\":{\"record_id\":\"").appendAscii(id).appendAscii("\"}}");
    }
}
