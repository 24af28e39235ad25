package dev.nitelog.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-item outcome of a {@code _bulk} request, read with Jackson's streaming parser so that a
 * response with many items never becomes a tree. When the response says {@code "errors":false}
 * before its items, they are skipped: every item succeeded.
 *
 * @param allOk   no item failed
 * @param items   one entry per operation, in request order (empty when {@code allOk} came first)
 */
record BulkResponse(boolean allOk, List<Item> items) {
    private static final JsonFactory JSON = new JsonFactory();
    /** Error types that describe the document, not the cluster (Elasticsearch and OpenSearch spell them alike). */
    static final java.util.Set<String> DOCUMENT_ERRORS = java.util.Set.of("mapper_parsing_exception",
            "document_parsing_exception", "illegal_argument_exception", "strict_dynamic_mapping_exception");
    /** A read-only or write block: 403, or 429 for the disk flood stage, and never fixed by re-sending at once. */
    static final String CLUSTER_BLOCK = "cluster_block_exception";

    /**
     * One operation's result.
     *
     * @param status the item's HTTP status
     * @param type   {@code error.type}, or null
     * @param reason {@code error.reason}, or null
     */
    record Item(int status, String type, String reason) {
        static final Item CREATED = new Item(201, null, null);

        boolean ok() {
            return status >= 200 && status < 300 || status == 409; // 409 on create: it is already there
        }

        /** Throttled or a passing server error: worth re-sending this item alone, soon. */
        boolean retriable() {
            return (status == 429 || status >= 500) && !CLUSTER_BLOCK.equals(type);
        }

        /**
         * Wrong in the document itself, so no retry can fix it: the only errors that go to the dead
         * letters. Any other refusal (security, a missing or closed index, a write block, an error
         * type we do not know) is about the cluster and is retried until an operator fixes it.
         */
        boolean documentError() {
            return status >= 400 && status < 500 && status != 429 && type != null && DOCUMENT_ERRORS.contains(type);
        }

        String describe() {
            return status + " " + type + ": " + reason;
        }
    }

    static BulkResponse parse(InputStream body) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            Boolean errors = null;
            List<Item> items = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("errors".equals(field)) {
                    errors = value == JsonToken.VALUE_TRUE;
                    if (!errors) {
                        return new BulkResponse(true, List.of());
                    }
                } else if ("items".equals(field)) {
                    expect(value, JsonToken.START_ARRAY);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        items.add(item(p));
                    }
                } else {
                    p.skipChildren();
                }
            }
            boolean allOk = errors == null ? items.stream().allMatch(Item::ok) : !errors;
            return new BulkResponse(allOk, items);
        }
    }

    /** {@code {"create":{"_index":..,"status":409,"error":{"type":..,"reason":..}}}} */
    private static Item item(JsonParser p) throws IOException {
        Item item = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            expect(p.nextToken(), JsonToken.START_OBJECT); // the op: create, index, ...
            int status = 0;
            String type = null;
            String reason = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("status".equals(field)) {
                    status = p.getIntValue();
                } else if ("error".equals(field) && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String errorField = p.currentName();
                        p.nextToken();
                        if ("type".equals(errorField)) {
                            type = p.getValueAsString();
                        } else if ("reason".equals(errorField)) {
                            reason = p.getValueAsString();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            item = status == 201 && type == null ? Item.CREATED : new Item(status, type, reason);
        }
        if (item == null) {
            throw new IOException("a bulk response item has no operation");
        }
        return item;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("unexpected bulk response: " + actual + " where " + expected + " belongs");
        }
    }
}
