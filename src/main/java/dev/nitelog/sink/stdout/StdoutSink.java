package dev.nitelog.sink.stdout;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.RecordText;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.WriteReach;
import dev.nitelog.sink.Utf8Buffer;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes records as lines to standard output (JSON or text), one write per batch. nitelog's own
 * log goes to stderr, so stdout carries records only and pipes into jq.
 */
public final class StdoutSink implements Sink {
    private final String name;
    private final OutputFormat format;
    private final OutputStream out;
    private final Utf8Buffer buffer = new Utf8Buffer(64 * 1024);

    public StdoutSink(String name, OutputFormat format, OutputStream out) {
        this.name = name;
        this.format = format;
        this.out = out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SinkHealth check() {
        return SinkHealth.up("stdout");
    }

    /** A write flushes the stream: the reader has the lines, and nitelog can do no more for them. */
    @Override
    public WriteReach writeReach() {
        return WriteReach.DESTINATION;
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        buffer.reset();
        for (LogRecord record : batch.records()) {
            if (format == OutputFormat.TEXT) {
                RecordText.append(record, buffer);
            } else {
                RecordJson.append(record, buffer);
            }
            buffer.appendByte('\n');
        }
        try {
            buffer.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new SinkException("stdout write failed: " + e.getMessage(), e);
        } finally {
            buffer.trim(4 * 1024 * 1024); // a huge batch should not pin its buffer for ever
        }
    }

    @Override
    public void close() {
        try {
            out.flush();
        } catch (IOException ignored) {
            // stdout closed by the reader (e.g. head): nothing left to do
        }
    }
}
