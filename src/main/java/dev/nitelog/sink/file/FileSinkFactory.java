package dev.nitelog.sink.file;

import dev.nitelog.config.FileSinkOptions;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;

/** Sink type {@code file}: records as lines in files named by a path template (docs/file-sink.md). */
@ApplicationScoped
public class FileSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public Sink create(String name, SinkConfig config) {
        String key = "nitelog.sinks." + name + ".";
        FileSinkOptions options = config.file();
        String path = options.path().filter(p -> !p.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                key + "path is required for a file sink: set e.g. /var/log/nitelog/{job}.log"));
        PathTemplate template;
        try {
            template = PathTemplate.parse(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "path=" + path + " " + e.getMessage(), e);
        }
        long maxSize = options.maxSize().asLongValue();
        if (maxSize < 1024) {
            throw new IllegalArgumentException(key + "max-size=" + maxSize + " is too small: use at least 1K, e.g. 100M");
        }
        range(key + "max-files", options.maxFiles(), 0, 100_000);
        range(key + "max-open-files", options.maxOpenFiles(), 1, 65_536);
        FileSinkSettings settings = new FileSinkSettings(maxSize, options.maxFiles(), options.compress(),
                options.fsync(), options.maxOpenFiles());
        return new FileSink(name, config.format(), template, settings, Syncer.FORCE);
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + "=" + value + " is out of range: use a value from " + min + " to " + max);
        }
    }
}
