package dev.nitelog.sink.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The producer properties of one Kafka sink: nitelog's safe defaults, overridden by whatever the
 * user set under {@code producer.*}, checked up front so a typo fails at startup naming the key.
 *
 * @param producer     properties for the {@code KafkaProducer}
 * @param bootstrap    the broker list, for health messages
 * @param deliveryWait how long a sent record can take to be acknowledged or fail
 *                     ({@code delivery.timeout.ms})
 */
record ProducerSettings(Map<String, Object> producer, String bootstrap, Duration deliveryWait) {

    /** Defaults that make the sink at-least-once without reordering; every one can be overridden. */
    static final Map<String, String> DEFAULTS = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
            ProducerConfig.LINGER_MS_CONFIG, "20",
            // Kafka's own 60 s would stall a write that long on a missing topic or a full buffer;
            // failing sooner hands the batch back to the worker's backoff
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");

    /** @throws IllegalArgumentException naming the key, the problem and the fix */
    static ProducerSettings of(String sink, Map<String, String> user) {
        String prefix = "nitelog.sinks." + sink + ".producer.";
        Map<String, Object> props = new HashMap<>(DEFAULTS);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "nitelog-" + sink);
        props.putAll(user);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Object bootstrap = props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            throw new IllegalArgumentException(prefix + "bootstrap.servers is not set: set it to the brokers,"
                    + " e.g. kafka-0:9092,kafka-1:9092");
        }
        if (!user.containsKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)
                && (user.containsKey(ProducerConfig.ACKS_CONFIG)
                || user.containsKey(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION))) {
            // as in Kafka itself: idempotence is on unless the user's own settings rule it out
            props.remove(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        }
        ProducerConfig parsed = parse(prefix, props, user);
        return new ProducerSettings(Map.copyOf(props), bootstrap.toString(),
                Duration.ofMillis(parsed.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)));
    }

    private static ProducerConfig parse(String prefix, Map<String, Object> props, Map<String, String> user) {
        try {
            return new ProducerConfig(props);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid Kafka producer setting under " + prefix + "*: "
                    + withoutSecrets(e.getMessage(), user) + "; fix the value or remove the key to use the default");
        }
    }

    /**
     * Properties for the health probe's admin client: the connection and security settings of the
     * producer, with short timeouts so a probe of an unreachable broker returns quickly.
     */
    Map<String, Object> admin(String sink, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        producer.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        int millis = (int) timeout.toMillis();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "nitelog-" + sink + "-health");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) millis);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) millis);
        return props;
    }

    /** Replaces the values of secret-looking keys in a Kafka message by {@code [hidden]}. */
    static String withoutSecrets(String message, Map<String, String> user) {
        String out = String.valueOf(message);
        for (Map.Entry<String, String> e : user.entrySet()) {
            if (isSecret(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty()) {
                out = out.replace(e.getValue(), "[hidden]");
            }
        }
        return out;
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.endsWith(".key") || k.contains("credential");
    }
}
