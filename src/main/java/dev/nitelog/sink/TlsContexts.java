package dev.nitelog.sink;

import dev.nitelog.config.Secrets;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Builds the {@link SSLContext} for {@code nitelog.sinks.<name>.tls.*}: a PEM CA file or a PKCS12
 * trust store replaces the JVM's trust store, a PEM certificate chain and PKCS#8 key or a PKCS12
 * keystore supplies a client certificate, and {@code verify=false} trusts any certificate and host
 * name (tests only). PEM keys are read with the JDK alone, so only unencrypted PKCS#8 is taken;
 * other flavours are refused with the command that converts them.
 */
public final class TlsContexts {
    /** The in-memory stores' password; they never leave the process. */
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /** @throws IllegalArgumentException naming the key whose file could not be used */
    public static SSLContext create(String keyPrefix, TlsOptions tls) {
        String prefix = keyPrefix + "tls.";
        TlsChecks.check(prefix, tls);
        try {
            TrustManager[] trust = tls.verify() ? trustManagers(prefix, tls) : new TrustManager[]{new TrustAll()};
            KeyManager[] keys = keyManagers(prefix, tls);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyPrefix + "tls: cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(String prefix, TlsOptions tls) throws GeneralSecurityException {
        KeyStore store;
        if (tls.caFile().isPresent()) {
            store = emptyStore();
            int n = 0;
            for (Certificate cert : PemFiles.certificates(prefix + "ca-file", tls.caFile().get())) {
                store.setCertificateEntry("ca-" + n++, cert);
            }
        } else if (tls.truststoreFile().isPresent()) {
            store = pkcs12(prefix, "truststore", tls.truststoreFile().get(),
                    Secrets.resolve(prefix + "truststore-password", tls.truststorePassword(), tls.truststorePasswordFile()));
        } else {
            return null; // the JVM's default trust store
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(String prefix, TlsOptions tls) throws GeneralSecurityException {
        KeyStore store;
        char[] password;
        if (tls.certificateFile().isPresent()) {
            List<Certificate> chain = PemFiles.certificates(prefix + "certificate-file", tls.certificateFile().get());
            PrivateKey key = PemFiles.privateKey(prefix + "key-file", tls.keyFile().orElseThrow());
            store = emptyStore();
            password = NO_PASSWORD;
            try {
                store.setKeyEntry("client", key, password, chain.toArray(Certificate[]::new));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(prefix + "key-file=" + tls.keyFile().get() + " does not fit "
                        + prefix + "certificate-file=" + tls.certificateFile().get()
                        + ": use the key of the chain's first certificate", e);
            }
        } else if (tls.keystoreFile().isPresent()) {
            String secret = Secrets.resolve(prefix + "keystore-password", tls.keystorePassword(),
                    tls.keystorePasswordFile()).orElse("");
            store = pkcs12(prefix, "keystore", tls.keystoreFile().get(), java.util.Optional.of(secret));
            password = secret.toCharArray();
        } else {
            return null;
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    /** @param kind {@code keystore} or {@code truststore}: the keys are {@code <kind>-file}, {@code <kind>-password} */
    private static KeyStore pkcs12(String prefix, String kind, String path, java.util.Optional<String> password)
            throws GeneralSecurityException {
        String key = prefix + kind + "-file";
        Path file = Path.of(path);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.map(String::toCharArray).orElse(null));
        } catch (IOException e) {
            // the password is never named, only that it or the file is wrong
            throw new IllegalArgumentException(key + "=" + file + " cannot be opened (" + e.getMessage()
                    + "): check the file is PKCS12 and " + prefix + kind + "-password (or -password-file)", e);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException(key + "=" + file + " holds an unreadable certificate", e);
        }
        return store;
    }

    /**
     * Accepts every server certificate. Being an extended trust manager, it also takes over the
     * host name check that the JDK would otherwise do, so {@code verify=false} means no check at all.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
