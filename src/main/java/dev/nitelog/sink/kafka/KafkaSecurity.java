package dev.nitelog.sink.kafka;

import dev.nitelog.sink.kafka.KafkaSinkOptions.KafkaSasl;
import dev.nitelog.config.Secrets;
import dev.nitelog.sink.PemFiles;
import dev.nitelog.sink.TlsChecks;
import dev.nitelog.sink.TlsOptions;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a Kafka sink's {@code sasl.*} and {@code tls.*} keys into producer properties: the JAAS
 * line for SASL/PLAIN or SCRAM with the password read from its value or file, and the
 * {@code ssl.*} store settings for PEM files (which Kafka reads natively) or PKCS12 stores. The
 * same settings made directly under {@code producer.*} are refused: one place per setting.
 */
final class KafkaSecurity {
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

    private KafkaSecurity() {
    }

    /**
     * The producer properties the sink's {@code sasl.*} and {@code tls.*} keys stand for; empty
     * when none is set.
     *
     * @param user the sink's own {@code producer.*} properties, which must not set the same things
     * @throws IllegalArgumentException (or InvalidConfigException) naming the keys and the fix
     */
    static Map<String, String> producerProps(String sink, KafkaSinkOptions options, Map<String, String> user) {
        String prefix = "nitelog.sinks." + sink + ".";
        Map<String, String> props = new LinkedHashMap<>();
        boolean sasl = sasl(prefix, options.sasl(), props);
        boolean tls = tls(prefix + "tls.", options.tls(), props);
        for (String key : props.keySet()) {
            if (user.containsKey(key)) {
                throw new IllegalArgumentException(prefix + "producer." + key + " is set, and so is what nitelog derives"
                        + " it from (" + prefix + (key.startsWith("sasl") ? "sasl.*" : "tls.*") + "): configure it in"
                        + " one place, under " + prefix + (key.startsWith("sasl") ? "sasl" : "tls") + " or producer.*");
            }
        }
        if ((sasl || tls) && !user.containsKey(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)) {
            // producer.security.protocol stays the user's to set, e.g. SASL_SSL with the JVM's trust store
            props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                    sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : "SSL");
        }
        return props;
    }

    private static boolean sasl(String prefix, KafkaSasl sasl, Map<String, String> props) {
        Optional<String> password = Secrets.resolve(prefix + "sasl.password", sasl.password(), sasl.passwordFile());
        if (sasl.username().isEmpty()) {
            if (password.isPresent()) {
                throw new IllegalArgumentException(prefix + "sasl.password is set without " + prefix
                        + "sasl.username: set the user name too");
            }
            return false;
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException(prefix + "sasl.username is set without a password: set "
                    + prefix + "sasl.password-file (or sasl.password)");
        }
        String mechanism = sasl.mechanism().strip().toUpperCase(java.util.Locale.ROOT);
        String module = LOGIN_MODULES.get(mechanism);
        if (module == null) {
            throw new IllegalArgumentException(prefix + "sasl.mechanism=" + sasl.mechanism()
                    + " is not supported: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (or producer.sasl.* for others)");
        }
        props.put(SaslConfigs.SASL_MECHANISM, mechanism);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=" + quoted(sasl.username().get())
                + " password=" + quoted(password.get()) + ";");
        return true;
    }

    /** A JAAS option value: Kafka's parser reads quoted strings with backslash escapes. */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean tls(String prefix, TlsOptions tls, Map<String, String> props) {
        TlsChecks.check(prefix, tls);
        if (tls.caFile().isPresent()) {
            PemFiles.certificates(prefix + "ca-file", tls.caFile().get()); // fail at startup, naming the key
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.caFile().get());
        } else if (tls.truststoreFile().isPresent()) {
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststoreFile().get());
            Secrets.resolve(prefix + "truststore-password", tls.truststorePassword(), tls.truststorePasswordFile())
                    .ifPresent(p -> props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, p));
        }
        if (tls.certificateFile().isPresent()) {
            String keyKey = prefix + "key-file";
            PemFiles.privateKey(keyKey, tls.keyFile().orElseThrow()); // a clear error for PKCS#1 or encrypted keys
            PemFiles.certificates(prefix + "certificate-file", tls.certificateFile().get());
            // Kafka takes a PEM key and chain as values; a location would need both in one file
            props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG,
                    PemFiles.read(prefix + "certificate-file", tls.certificateFile().get()).strip());
            props.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, PemFiles.read(keyKey, tls.keyFile().get()).strip());
        } else if (tls.keystoreFile().isPresent()) {
            props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
            props.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.keystoreFile().get());
            Secrets.resolve(prefix + "keystore-password", tls.keystorePassword(), tls.keystorePasswordFile())
                    .ifPresent(p -> props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, p));
        }
        if (!tls.verify()) {
            props.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
        }
        return anySet(tls);
    }

    /** A trust or client certificate file given: the sink then speaks TLS. */
    private static boolean anySet(TlsOptions tls) {
        return List.of(tls.caFile(), tls.truststoreFile(), tls.certificateFile(), tls.keystoreFile()).stream()
                .anyMatch(Optional::isPresent);
    }
}
