package dev.nitelog.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The keys of a {@code file} sink, directly under {@code nitelog.sinks.<name>}. Every key is
 * optional here so that sinks of other types still resolve; the file sink itself requires
 * {@link #path()}. See docs/file-sink.md.
 */
public interface FileSinkOptions {

    /**
     * Path template of the files, e.g. {@code /var/log/nitelog/{job}.log}. Placeholders:
     * {@code {job}} (job id), {@code {job_name}}, {@code {service}}, {@code {date}} (yyyy-MM-dd of
     * the record's timestamp, UTC). Substituted values are sanitised so that a file never lands
     * outside the directory before the first placeholder. Required for a file sink.
     */
    Optional<String> path();

    /** A file is rotated before a write would make it larger than this. */
    @WithDefault("100M")
    MemorySize maxSize();

    /** Rotated files kept per path, oldest deleted first; 0 keeps them all. */
    @WithDefault("10")
    int maxFiles();

    /** Gzip rotated files ({@code .gz}), on a background thread. */
    @WithDefault("false")
    boolean compress();

    /** When written bytes are forced to disk: always, interval (at every flush) or never. */
    @WithDefault("interval")
    FsyncPolicy fsync();

    /** Most files held open at once; the least recently written is closed first. */
    @WithDefault("256")
    int maxOpenFiles();
}
