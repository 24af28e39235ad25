package dev.nitelog.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;

/** Lenient request-body reading, as protobuf JSON parsing is: int64 as string or number. */
final class Requests {

    private Requests() {
    }

    static JsonNode parse(ObjectMapper mapper, byte[] body) {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new Http.BadRequest("request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Http.BadRequest("request body is not valid JSON");
        }
    }

    /** An int64 given as number or string; 0 when absent or null. */
    static long int64(JsonNode node, String name) {
        if (node.isMissingNode() || node.isNull()) {
            return 0;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new Http.BadRequest("invalid value for " + name + ": " + node);
    }
}
