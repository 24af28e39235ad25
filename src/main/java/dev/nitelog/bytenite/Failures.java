package dev.nitelog.bytenite;

import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Turns failed responses and transport errors into {@link ByteNiteException}s with one clear
 * line: {@code ByteNite POST /logs for job X failed: 503 UNAVAILABLE (code 14): <server message>}.
 */
final class Failures {
    /** An error body is read only this far: enough for any rpcStatus, bounded against a huge HTML page. */
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final String[] GRPC_NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
            "DATA_LOSS", "UNAUTHENTICATED"};

    private final Redactor redactor;
    private final Clock clock;

    Failures(Redactor redactor, Clock clock) {
        this.redactor = redactor;
        this.clock = clock;
    }

    /** The outcome an HTTP status stands for. */
    static CallOutcome outcomeOf(int status) {
        if (status >= 200 && status < 300) {
            return CallOutcome.OK;
        }
        return switch (status) {
            case 401 -> CallOutcome.AUTH;
            case 404 -> CallOutcome.NOT_FOUND;
            case 408 -> CallOutcome.TIMEOUT;
            case 429 -> CallOutcome.RATE_LIMITED;
            default -> status >= 500 ? CallOutcome.SERVER_ERROR : CallOutcome.CLIENT_ERROR;
        };
    }

    /**
     * The exception for a non-2xx response; reads (a bounded prefix of) its body.
     *
     * @param what  e.g. {@code POST /logs for job X}
     * @param jobId the job a 404 refers to; empty where a 404 means something else
     */
    ByteNiteException fromResponse(String what, Response response, Optional<String> jobId) {
        int status = response.getStatus();
        Wire.RpcStatus rpc = readRpcStatus(response);
        int code = rpc == null || rpc.code() == null ? -1 : rpc.code();
        String serverMessage = rpc == null ? null : redactor.redact(rpc.message());
        String message = "ByteNite " + what + " failed: " + describe(status, code, serverMessage, response);
        CallOutcome outcome = outcomeOf(status);
        if (jobId.isEmpty() && what.endsWith("/access_token") && (status == 400 || status == 401 || status == 403)) {
            return new AuthenticationException(message + "; check nitelog.bytenite.api-key (or api-key-file)",
                    status, code);
        }
        return switch (outcome) {
            case RATE_LIMITED, SERVER_ERROR, TIMEOUT ->
                    new RetryableException(message, status, code, outcome, retryAfter(response));
            case NOT_FOUND -> jobId.<ByteNiteException>map(id -> new JobNotFoundException(id, code,
                    serverMessage == null ? "no such job" : serverMessage))
                    .orElseGet(() -> new ByteNiteException(message, status, code));
            case AUTH -> new AuthenticationException(message
                    + "; the access token was refused even after renewal", status, code);
            default -> new ByteNiteException(message, status, code);
        };
    }

    /** The exception for a request that got no (complete) response. */
    RetryableException fromTransport(String what, Throwable failure, Duration timeout) {
        boolean timedOut = isTimeout(failure);
        Throwable root = rootCause(failure);
        String detail = timedOut ? "timed out (request timeout " + timeout + ")"
                : "connection failed: " + root.getClass().getSimpleName() + ": " + redactor.redact(root.getMessage());
        return new RetryableException("ByteNite " + what + " failed: " + detail,
                timedOut ? CallOutcome.TIMEOUT : CallOutcome.CONNECTION_FAILED, failure);
    }

    static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (name.contains("Timeout") || message.contains("timed out") || message.contains("timeout")) {
                return true;
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return false;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private String describe(int status, int code, String serverMessage, Response response) {
        StringBuilder out = new StringBuilder().append(status);
        if (code >= 0) {
            out.append(' ').append(code < GRPC_NAMES.length ? GRPC_NAMES[code] : "CODE").append(" (code ").append(code).append(')');
        }
        if (serverMessage != null && !serverMessage.isBlank()) {
            out.append(": ").append(serverMessage);
        } else if (code < 0) {
            String type = response.getHeaderString("Content-Type");
            out.append(" (no rpcStatus body").append(type == null ? "" : ", content type " + type).append(')');
        }
        return out.toString();
    }

    private static Wire.RpcStatus readRpcStatus(Response response) {
        try {
            if (!response.hasEntity()) {
                return null;
            }
            InputStream in = response.readEntity(InputStream.class);
            if (in == null) {
                return null;
            }
            byte[] prefix = in.readNBytes(MAX_ERROR_BODY);
            return Wire.MAPPER.readValue(prefix, Wire.RpcStatus.class);
        } catch (IOException | RuntimeException notAnRpcStatus) {
            return null; // HTML from a proxy, truncated JSON, an array: the status line says enough
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP-date; empty when absent or unreadable. */
    Optional<Duration> retryAfter(Response response) {
        String value = response.getHeaderString("Retry-After");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
