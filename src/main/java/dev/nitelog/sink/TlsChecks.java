package dev.nitelog.sink;

import dev.nitelog.config.InvalidConfigException;
import dev.nitelog.config.Secrets;

/**
 * The rules of {@link TlsOptions} that its types cannot express: one form (PEM or PKCS12) of
 * each of trust and client identity, a PEM certificate with its key, and each password given once.
 */
public final class TlsChecks {
    private TlsChecks() {
    }

    /**
     * @param prefix the keys' prefix, e.g. {@code nitelog.sinks.search.tls.}
     * @throws InvalidConfigException naming the keys and the fix
     */
    public static void check(String prefix, TlsOptions tls) {
        if (tls.caFile().isPresent() && tls.truststoreFile().isPresent()) {
            throw new InvalidConfigException(prefix + "ca-file and " + prefix + "truststore-file are both set:"
                    + " trust either a PEM CA file or a PKCS12 trust store, keep only one");
        }
        boolean pem = tls.certificateFile().isPresent() || tls.keyFile().isPresent();
        if (pem && tls.keystoreFile().isPresent()) {
            throw new InvalidConfigException(prefix + "certificate-file/" + prefix + "key-file and " + prefix
                    + "keystore-file are both set: give the client certificate either as PEM or as PKCS12, keep only one");
        }
        if (tls.certificateFile().isPresent() != tls.keyFile().isPresent()) {
            throw new InvalidConfigException(prefix + "certificate-file and " + prefix + "key-file go together:"
                    + " set both (the PEM certificate chain and its private key) or neither");
        }
        Secrets.resolve(prefix + "truststore-password", tls.truststorePassword(), tls.truststorePasswordFile());
        Secrets.resolve(prefix + "keystore-password", tls.keystorePassword(), tls.keystorePasswordFile());
    }
}
