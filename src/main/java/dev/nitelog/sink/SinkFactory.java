package dev.nitelog.sink;

import dev.nitelog.config.SinkConfig;

/**
 * Creates sinks of one type. Each adapter contributes one as an {@code @ApplicationScoped} bean;
 * {@link SinkRegistry} picks it by {@code nitelog.sinks.<name>.type}.
 */
public interface SinkFactory {

    /** The type name used in config, e.g. {@code stdout}. */
    String type();

    /** Builds one configured instance; invalid settings throw IllegalArgumentException naming the key. */
    Sink create(String name, SinkConfig config);
}
