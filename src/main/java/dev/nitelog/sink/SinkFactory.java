package dev.nitelog.sink;

import dev.nitelog.config.SinkConfig;

/**
 * Creates sinks of one type. Each adapter contributes one as an {@code @ApplicationScoped} bean;
 * {@link SinkRegistry} picks it by {@code nitelog.sinks.<name>.type}. Adding a sink type is one
 * package: its factory, its options type and its sink.
 *
 * @param <O> the adapter's options: an interface of the keys its sinks take besides the common
 *            ones of {@link SinkConfig}, written like a config mapping group (Javadoc on every
 *            key, {@code @WithDefault}, {@code @Bounds}); read by {@link dev.nitelog.config.Options}
 */
public interface SinkFactory<O> {

    /** The type name used in config, e.g. {@code stdout}. */
    String type();

    /** The interface of this type's own keys; a key under a sink of this type that is in neither it nor {@link SinkConfig} is an error. */
    Class<O> optionsType();

    /**
     * Builds one configured instance.
     *
     * @param config  the keys every sink has
     * @param options this type's keys, already read and range-checked
     * @throws IllegalArgumentException naming the key, value and fix of an invalid setting
     */
    Sink create(String name, SinkConfig config, O options);
}
