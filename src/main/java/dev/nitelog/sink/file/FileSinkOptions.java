package dev.nitelog.sink.file;

import dev.nitelog.config.Bounds;
import dev.nitelog.config.OutputFormat;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The keys of a {@code file} sink, directly under {@code nitelog.sinks.<name>}; a file sink takes
 * no others (see docs/file-sink.md, which lists them).
 */
public interface FileSinkOptions {

    /** Line encoding: json (the canonical record) or text. */
    @WithDefault("json")
    OutputFormat format();

    /**
     * Path template of the files, e.g. {@code /var/log/nitelog/{job}.log}. Placeholders:
     * {@code {job}} (job id), {@code {job_name}}, {@code {service}}, {@code {date}} (yyyy-MM-dd of
     * the record's timestamp, UTC). Substituted values are sanitised so that a file never lands
     * outside the directory before the first placeholder. Required.
     */
    Optional<String> path();

    /** A file is rotated before a write would make it larger than this. */
    @WithDefault("100M")
    @Bounds(min = "1K", max = "1T")
    MemorySize maxSize();

    /** Rotated files kept per path, oldest deleted first; 0 keeps them all. */
    @WithDefault("10")
    @Bounds(min = "0", max = "100000")
    int maxFiles();

    /** Gzip rotated files ({@code .gz}), on a background thread. */
    @WithDefault("false")
    boolean compress();

    /** When written bytes are forced to disk: always, interval (at every flush) or never. */
    @WithDefault("interval")
    FsyncPolicy fsync();

    /** Most files held open at once; the least recently written is closed first. */
    @WithDefault("256")
    @Bounds(min = "1", max = "65536")
    int maxOpenFiles();
}
