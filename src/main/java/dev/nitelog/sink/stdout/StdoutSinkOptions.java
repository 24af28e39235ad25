package dev.nitelog.sink.stdout;

import dev.nitelog.config.OutputFormat;
import io.smallrye.config.WithDefault;

/** The keys of a {@code stdout} sink, directly under {@code nitelog.sinks.<name>}; it takes no others. */
public interface StdoutSinkOptions {

    /** Line encoding: json (the canonical record) or text. */
    @WithDefault("json")
    OutputFormat format();
}
