package dev.nitelog.sink.file;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.sink.DeadLetters;
import dev.nitelog.sink.SinkBatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Records, sinks and file readers shared by the file sink tests. */
final class FileSinkTesting {
    static final Instant T0 = Instant.parse("2025-07-11T16:29:35.101Z");

    private FileSinkTesting() {
    }

    static LogRecord rec(String job, String message, Instant ts) {
        RecordId id = RecordId.of(job, Service.TASKRUNNER, "t1", "main", ts, message, Level.INFO, 0);
        return new LogRecord(id, ts, job, "name of " + job, Service.TASKRUNNER, "t1", "main", Level.INFO, message);
    }

    /** {@code count} records of one job, a second apart from {@code from}. */
    static List<LogRecord> recs(String job, int count, Instant from) {
        List<LogRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(rec(job, "line " + i + " of " + job, from.plusSeconds(i)));
        }
        return out;
    }

    static SinkBatch batch(List<LogRecord> records) {
        return new SinkBatch(records, (r, why) -> {
            throw new AssertionError("unexpected dead letter: " + why);
        });
    }

    static SinkBatch batch(List<LogRecord> records, DeadLetters deadLetters) {
        return new SinkBatch(records, deadLetters);
    }

    static FileSinkSettings settings(long maxSize, int maxFiles, boolean compress, FsyncPolicy fsync, int maxOpen) {
        return new FileSinkSettings(maxSize, maxFiles, compress, fsync, maxOpen);
    }

    static FileSink sink(String template, FileSinkSettings settings) {
        return sink(template, settings, Syncer.FORCE);
    }

    static FileSink sink(String template, FileSinkSettings settings, Syncer syncer) {
        return new FileSink("archive", OutputFormat.JSON, PathTemplate.parse(template), settings, syncer);
    }

    static FileSinkSettings defaults() {
        return settings(100L << 20, 10, false, FsyncPolicy.INTERVAL, 256);
    }

    /** Counts syncs per file name, then forces as usual. */
    static final class CountingSyncer implements Syncer {
        final AtomicInteger total = new AtomicInteger();

        @Override
        public void sync(java.nio.channels.FileChannel channel) throws IOException {
            total.incrementAndGet();
            channel.force(false);
        }
    }

    /** Every regular file below {@code dir}, sorted. */
    static List<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a file, gunzipped when its name ends in .gz. */
    static List<String> lines(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new AssertionError(file + " does not end with a newline");
            }
            return text.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of every file below {@code dir}. */
    static List<String> allLines(Path dir) {
        return files(dir).stream().flatMap(f -> lines(f).stream()).toList();
    }

    /** The record id (hex) of a JSON line. */
    static String idOf(String jsonLine) {
        return jsonLine.substring("{\"id\":\"".length(), "{\"id\":\"".length() + 32);
    }
}
