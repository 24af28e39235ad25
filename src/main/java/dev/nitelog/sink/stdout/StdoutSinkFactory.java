package dev.nitelog.sink.stdout;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.FileDescriptor;
import java.io.FileOutputStream;

/** Sink type {@code stdout}. */
@ApplicationScoped
public class StdoutSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "stdout";
    }

    @Override
    public Sink create(String name, SinkConfig config) {
        // the raw descriptor: System.out may be wrapped by the log manager
        return new StdoutSink(name, config.format(), new FileOutputStream(FileDescriptor.out));
    }
}
