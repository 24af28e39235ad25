package dev.nitelog.bytenite;

import com.fasterxml.jackson.core.JsonFactory;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * The benchmarks' door to nitelog's package-private response parser: the same class and factory
 * {@link ByteNiteClient#fetchLogs} uses, without the HTTP client around it. Lives in the
 * benchmark project (same package name on the class path), so nitelog's API stays as it is.
 */
public final class ParserAccess {
    private ParserAccess() {
    }

    /** Parses one {@code POST /logs} body as a poll with this skip floor (null: none) would. */
    public static LogFetch parse(JobRef job, Instant skipBefore, InputStream body) throws IOException {
        try {
            return new LogsParser(job, skipBefore).parse(body);
        } catch (MalformedResponseException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** As {@link #parse(JobRef, Instant, InputStream)}, also dropping lines {@code known} reports held. */
    public static LogFetch parse(JobRef job, Instant skipBefore, KnownIds known, InputStream body)
            throws IOException {
        try {
            return new LogsParser(job, skipBefore, Long.MAX_VALUE, known).parse(body);
        } catch (MalformedResponseException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The Jackson factory nitelog's parser reads with (same stream read constraints). */
    public static JsonFactory factory() {
        return LogsParser.JSON;
    }
}
