package dev.nitelog.sink;

import dev.nitelog.record.LogRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Keeps records that a sink rejected for good, one JSON line each:
 * {@code {"time","sink","reason","record":{canonical record}}}, in {@code <dir>/<sink>.jsonl}.
 * Each line is synced before the sink's batch counts as delivered, so a dead letter is never lost.
 * A file is rotated once it passes {@code maxBytes}: {@code <sink>.jsonl.1} is the newest rotated
 * file, and at most {@code maxFiles} rotated files are kept.
 */
public final class DeadLetterFile {
    /** Rotation defaults: 64 MiB per file, ten rotated files kept. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_FILES = 10;

    private final Path dir;
    private final Clock clock;
    private final long maxBytes;
    private final int maxFiles;

    public DeadLetterFile(Path dir, Clock clock) {
        this(dir, clock, DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES);
    }

    public DeadLetterFile(Path dir, Clock clock, long maxBytes, int maxFiles) {
        this.dir = dir;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    /** The dead-letter channel of one sink. */
    public DeadLetters forSink(String sink) {
        Path file = dir.resolve(sink + ".jsonl");
        return (record, reason) -> append(file, sink, record, reason);
    }

    private synchronized void append(Path file, String sink, LogRecord record, String reason) throws SinkException {
        Utf8Buffer line = new Utf8Buffer(512 + record.approximateBytes());
        line.appendAscii("{\"time\":\"");
        Rfc3339.append(clock.instant(), line);
        line.appendAscii("\",\"sink\":");
        RecordJson.appendString(sink, line);
        line.appendAscii(",\"reason\":");
        RecordJson.appendString(reason, line);
        line.appendAscii(",\"record\":");
        RecordJson.append(record, line);
        line.appendAscii("}\n");
        try {
            Files.createDirectories(dir);
            rotateIfFull(file);
            try (FileChannel channel = FileChannel.open(file, CREATE, WRITE, APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap(line.array(), 0, line.size());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new SinkException("cannot write dead letter to " + file + ": " + e.getMessage(), e);
        }
    }

    private void rotateIfFull(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) < maxBytes) {
            return;
        }
        Files.deleteIfExists(rotated(file, maxFiles));
        for (int n = maxFiles - 1; n >= 1; n--) {
            if (Files.exists(rotated(file, n))) {
                Files.move(rotated(file, n), rotated(file, n + 1));
            }
        }
        Files.move(file, rotated(file, 1));
    }

    private static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
