package dev.nitelog.sink;

import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * TLS to a sink's servers, {@code nitelog.sinks.<name>.tls.*}, for the sink types that connect
 * over TLS (elasticsearch, kafka). What to trust comes as a PEM CA bundle or a PKCS12 trust store,
 * the client identity for mutual TLS as a PEM certificate chain and key or a PKCS12 keystore; one
 * form of each at most. Passwords are never logged.
 */
public interface TlsOptions {

    /** PEM file with the CA certificate(s) to trust instead of the JVM's default trust store. */
    Optional<String> caFile();

    /** PKCS12 trust store with the CA certificate(s) to trust; the alternative to {@link #caFile()}. */
    Optional<String> truststoreFile();

    /** Password of {@link #truststoreFile()}. Secret. */
    Optional<String> truststorePassword();

    /** A file holding the password of {@link #truststoreFile()} (a trailing newline is dropped). */
    Optional<String> truststorePasswordFile();

    /** PEM file with the client certificate chain for mutual TLS, leaf first; with {@link #keyFile()}. */
    Optional<String> certificateFile();

    /** PEM file with the client's unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}). Secret. */
    Optional<String> keyFile();

    /** PKCS12 keystore with the client certificate and key; the alternative to the PEM pair. */
    Optional<String> keystoreFile();

    /** Password of {@link #keystoreFile()}. Secret. */
    Optional<String> keystorePassword();

    /** A file holding the password of {@link #keystoreFile()} (a trailing newline is dropped). */
    Optional<String> keystorePasswordFile();

    /**
     * Whether the server certificate and host name are verified; false only for tests. The
     * Kafka client can only skip the host name check.
     */
    @WithDefault("true")
    boolean verify();
}
