package dev.nitelog.pipeline;

import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.LogsBodies;
import dev.nitelog.bytenite.MalformedResponseException;
import dev.nitelog.bytenite.RecordChunks;
import dev.nitelog.record.JobRef;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Answers {@code /logs} with a body read by the real parser, as it stands at each fetch. */
final class BodyServingApi extends LogsOnlyApi {
    private final Supplier<String> body;

    BodyServingApi(Supplier<String> body) {
        this.body = body;
    }

    @Override
    public LogFetch fetchLogs(JobRef job, LineFilter filter) {
        return fetchLogs(job, filter, RecordChunks.KEEP);
    }

    @Override
    public LogFetch fetchLogs(JobRef job, LineFilter filter, RecordChunks chunks) {
        try {
            return LogsBodies.read(job, filter, chunks, new ByteArrayInputStream(body.get().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | MalformedResponseException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
