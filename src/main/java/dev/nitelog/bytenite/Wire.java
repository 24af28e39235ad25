package dev.nitelog.bytenite;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * ByteNite's wire shapes for the small bodies (token, jobs, errors, the logs request). They never
 * leave this package. Reading tolerates what grpc-gateway does: int64 as string or number
 * (Jackson's scalar coercion), null for unset fields, and unknown fields.
 */
final class Wire {
    /** Our own mapper, so the tolerance above does not depend on how the application configures its. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Wire() {
    }

    @RegisterForReflection
    record TokenRequest(String apiKey) {
        @Override
        public String toString() {
            return "TokenRequest[apiKey=****]";
        }
    }

    @RegisterForReflection
    record TokenResponse(String token, Long expiresIn, String scope) {
        @Override
        public String toString() {
            return "TokenResponse[token=****, expiresIn=" + expiresIn + "]";
        }
    }

    /** {@code logsGetLogsRequest}; empty lists mean no filter. */
    @RegisterForReflection
    record LogsRequest(String jobId, List<String> taskIds, List<String> levels, List<String> services) {
    }

    /** {@code JobsJobsResponse}; jobs stay trees so one odd job cannot spoil the page. */
    @RegisterForReflection
    record JobsPage(Pagination pagination, List<JsonNode> data) {
    }

    @RegisterForReflection
    record Pagination(Long total, Long offset, Boolean hasPrevious, Boolean hasNext) {
    }

    /** {@code jobsJobResponse}. */
    @RegisterForReflection
    record JobEnvelope(JsonNode job) {
    }

    /** The fields of {@code jobJob} nitelog uses. */
    @RegisterForReflection
    record Job(String id, String name, String state, String endedAt, String createdAt) {
    }

    /** {@code rpcStatus}, grpc-gateway's error body. */
    @RegisterForReflection
    record RpcStatus(Integer code, String message) {
    }
}
