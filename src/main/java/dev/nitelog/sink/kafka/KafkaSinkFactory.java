package dev.nitelog.sink.kafka;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;

/** Sink type {@code kafka}: keys {@code topic}, {@code key}, {@code producer.*}, {@code sasl.*}, {@code tls.*}. */
@ApplicationScoped
public class KafkaSinkFactory implements SinkFactory<KafkaSinkOptions> {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public Class<KafkaSinkOptions> optionsType() {
        return KafkaSinkOptions.class;
    }

    @Override
    public Sink create(String name, SinkConfig config, KafkaSinkOptions options) {
        return new KafkaSink(name, options);
    }
}
