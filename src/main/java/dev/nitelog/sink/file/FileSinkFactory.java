package dev.nitelog.sink.file;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;

/** Sink type {@code file}: records as lines in files named by a path template (docs/file-sink.md). */
@ApplicationScoped
public class FileSinkFactory implements SinkFactory<FileSinkOptions> {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public Class<FileSinkOptions> optionsType() {
        return FileSinkOptions.class;
    }

    @Override
    public Sink create(String name, SinkConfig config, FileSinkOptions options) {
        String key = "nitelog.sinks." + name + ".";
        String path = options.path().filter(p -> !p.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                key + "path is required for a file sink: set e.g. /var/log/nitelog/{job}.log"));
        PathTemplate template;
        try {
            template = PathTemplate.parse(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "path=" + path + " " + e.getMessage(), e);
        }
        // ranges are the options' own (@Bounds), checked when they were read
        FileSinkSettings settings = new FileSinkSettings(options.maxSize().asLongValue(), options.maxFiles(),
                options.compress(), options.fsync(), options.maxOpenFiles());
        return new FileSink(name, options.format(), template, settings, Syncer.FORCE);
    }
}
