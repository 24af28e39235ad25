package dev.nitelog.sink;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Knows every sink type (one {@link SinkFactory} bean per adapter) and builds the configured sinks. */
@ApplicationScoped
public class SinkRegistry {
    /** The sink used when none is configured: JSON lines on stdout. */
    public static final String DEFAULT_SINK = "stdout";

    private final Map<String, SinkFactory> factories = new TreeMap<>();

    public SinkRegistry(Instance<SinkFactory> factories) {
        factories.forEach(factory -> this.factories.put(factory.type(), factory));
    }

    private String knownTypes() {
        return String.join(", ", factories.keySet());
    }

    /** Every type an adapter provides. */
    public java.util.Set<String> types() {
        return java.util.Set.copyOf(factories.keySet());
    }

    /**
     * Creates the configured sinks in name order.
     *
     * @throws IllegalArgumentException naming the key, value and fix for an unknown type or a bad setting
     */
    public Map<String, Sink> create(Map<String, SinkConfig> configs) {
        Map<String, Sink> sinks = new LinkedHashMap<>();
        for (Map.Entry<String, SinkConfig> entry : new TreeMap<>(configs).entrySet()) {
            sinks.put(entry.getKey(), create(entry.getKey(), entry.getValue()));
        }
        return sinks;
    }

    private Sink create(String name, SinkConfig config) {
        SinkFactory factory = factories.get(config.type());
        if (factory == null) {
            throw new IllegalArgumentException("nitelog.sinks." + name + ".type=" + config.type()
                    + " is not a sink type: use one of " + knownTypes());
        }
        return factory.create(name, config);
    }

    /** A one-line summary of the configured sinks, for the startup log. */
    public static String describe(NitelogConfig config) {
        return config.sinks().entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue().type() + ")")
                .collect(Collectors.joining(", "));
    }
}
