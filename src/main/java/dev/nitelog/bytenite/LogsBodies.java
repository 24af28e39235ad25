package dev.nitelog.bytenite;

import com.fasterxml.jackson.core.JsonFactory;
import dev.nitelog.record.JobRef;

import java.io.IOException;
import java.io.InputStream;

/**
 * The {@code POST /logs} parser without the HTTP client around it, for tools and benchmarks that
 * measure or replay a body: the same parser and Jackson factory {@link ByteNiteClient} reads with,
 * with no byte, line or record limit.
 */
public final class LogsBodies {
    private LogsBodies() {
    }

    /**
     * Reads one body as a poll with this filter would, every new record kept in
     * {@link LogFetch#records()}, sorted.
     *
     * @throws MalformedResponseException the body is not a logs response
     * @throws IOException                reading the body failed
     */
    public static LogFetch read(JobRef job, LineFilter filter, InputStream body)
            throws MalformedResponseException, IOException {
        return new LogsParser(job, filter, ParseLimits.NONE, RecordChunks.KEEP).parse(body);
    }

    /** As {@link #read(JobRef, LineFilter, InputStream)}, handing the new records to {@code chunks} as they are made. */
    public static LogFetch read(JobRef job, LineFilter filter, RecordChunks chunks, InputStream body)
            throws MalformedResponseException, IOException {
        return new LogsParser(job, filter, ParseLimits.NONE, chunks).parse(body);
    }

    /** The Jackson factory the parser reads with (its stream read constraints). */
    public static JsonFactory jsonFactory() {
        return LogsParser.JSON;
    }
}
