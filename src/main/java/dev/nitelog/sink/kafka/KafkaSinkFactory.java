package dev.nitelog.sink.kafka;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;

/** Sink type {@code kafka}: keys {@code topic}, {@code key} and {@code producer.*} under the sink. */
@ApplicationScoped
public class KafkaSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public Sink create(String name, SinkConfig config) {
        return new KafkaSink(name, config.kafka());
    }
}
