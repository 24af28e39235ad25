package dev.nitelog.sink.kafka;

import dev.nitelog.config.CheckedOptions;
import dev.nitelog.config.Secrets;
import dev.nitelog.sink.TlsChecks;
import dev.nitelog.sink.TlsOptions;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;

/**
 * The keys of a {@code kafka} sink, directly under {@code nitelog.sinks.<name>}; a Kafka sink takes
 * no others (see docs/kafka.md, which lists them).
 */
public interface KafkaSinkOptions extends CheckedOptions {

    /**
     * The topic records go to; {@code {job}} and {@code {service}} are replaced by the record's job
     * id and service (characters Kafka does not allow in topic names become {@code _}).
     */
    @WithDefault("bytenite-logs")
    String topic();

    /**
     * The message key, which picks the partition: {@code job} (the default: one job's lines keep
     * their order in one partition), {@code task} (the task id, the job id for lines without one),
     * {@code record} (the record id, spreads evenly, no order) or {@code none}.
     */
    @WithDefault("job")
    Key key();

    /**
     * Kafka producer properties passed through as they are ({@code producer.bootstrap.servers},
     * {@code producer.security.protocol}, {@code producer.sasl.jaas.config}, ...). nitelog's
     * defaults ({@code acks=all}, idempotence, zstd, {@code linger.ms=20}) apply unless set here.
     */
    Map<String, String> producer();

    /**
     * SASL authentication, {@code nitelog.sinks.<name>.sasl.*}: nitelog writes the producer's
     * {@code sasl.mechanism} and {@code sasl.jaas.config} from it. The alternative to setting
     * {@code producer.sasl.jaas.config} yourself.
     */
    KafkaSasl sasl();

    /**
     * TLS to the brokers, {@code nitelog.sinks.<name>.tls.*}, turned into the producer's
     * {@code ssl.*} properties (PEM files natively, or PKCS12 stores). The alternative to setting
     * {@code producer.ssl.truststore.*} and {@code producer.ssl.keystore.*} yourself.
     */
    TlsOptions tls();

    /** The SASL password set once and its file readable, and the TLS keys consistent: found at startup. */
    @Override
    default void check(String prefix) {
        Secrets.resolve(prefix + "sasl.password", sasl().password(), sasl().passwordFile());
        TlsChecks.check(prefix + "tls.", tls());
    }

    /** SASL/PLAIN or SASL/SCRAM credentials of a Kafka sink. */
    interface KafkaSasl {

        /** {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}. */
        @WithDefault("PLAIN")
        String mechanism();

        /** The SASL user name; setting it turns SASL on. */
        Optional<String> username();

        /** The SASL password. Secret. */
        Optional<String> password();

        /** A file holding the SASL password (a trailing newline is dropped); instead of {@link #password()}. */
        Optional<String> passwordFile();
    }

    /** What a Kafka message's key is. */
    enum Key {
        JOB, TASK, RECORD, NONE
    }
}
