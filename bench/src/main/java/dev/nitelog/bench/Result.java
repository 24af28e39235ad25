package dev.nitelog.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario's results, as written to {@code bench/results/<scenario>.json}: the shared
 * contract every benchmark (ours and the sinks') writes and {@code report.Report} reads.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Result(String scenario, String title, String date, String commit, Machine machine, Method method,
                     List<Figure> figures, List<String> notes) {

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** How the figures were measured: warm-up runs discarded, then measured runs. */
    public record Method(int warmups, int runs) {
    }

    /** A result stamped now with this machine and the commit from {@code -Dbench.commit}. */
    public static Result of(String scenario, String title, Method method, List<Figure> figures, List<String> notes) {
        return new Result(scenario, title,
                OffsetDateTime.now(ZoneOffset.UTC).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                System.getProperty("bench.commit", "unknown"), Machine.current(), method,
                List.copyOf(figures), notes == null || notes.isEmpty() ? null : List.copyOf(notes));
    }

    /** Writes {@code <dir>/<scenario>.json}. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(scenario + ".json");
        JSON.writeValue(file.toFile(), this);
        return file;
    }

    /** Writes into {@code -Dbench.results} (default bench/results). */
    public Path write() throws IOException {
        return write(Path.of(System.getProperty("bench.results", "bench/results")));
    }

    /** Reads a result file. */
    public static Result read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Result.class);
    }

    /** Collects figures and notes for one scenario. */
    public static final class Builder {
        private final List<Figure> figures = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        public Builder figure(Figure f) {
            figures.add(f);
            return this;
        }

        public Builder note(String n) {
            notes.add(n);
            return this;
        }

        public Result build(String scenario, String title, Method method) {
            return Result.of(scenario, title, method, figures, notes);
        }
    }
}
