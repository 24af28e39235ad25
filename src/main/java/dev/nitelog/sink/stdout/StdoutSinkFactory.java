package dev.nitelog.sink.stdout;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.FileDescriptor;
import java.io.FileOutputStream;

/** Sink type {@code stdout}. */
@ApplicationScoped
public class StdoutSinkFactory implements SinkFactory<StdoutSinkOptions> {

    @Override
    public String type() {
        return "stdout";
    }

    @Override
    public Class<StdoutSinkOptions> optionsType() {
        return StdoutSinkOptions.class;
    }

    @Override
    public Sink create(String name, SinkConfig config, StdoutSinkOptions options) {
        // the raw descriptor: System.out may be wrapped by the log manager
        return new StdoutSink(name, options.format(), new FileOutputStream(FileDescriptor.out));
    }
}
