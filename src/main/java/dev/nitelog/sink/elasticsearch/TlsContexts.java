package dev.nitelog.sink.elasticsearch;

import dev.nitelog.config.ElasticsearchSinkOptions.ElasticsearchTls;

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
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Builds the {@link SSLContext} for {@code nitelog.sinks.<name>.tls.*}: a PEM CA file replaces the
 * JVM's trust store, a PKCS12 keystore supplies a client certificate, and {@code verify=false}
 * trusts any certificate and host name (tests only). Client keys come as PKCS12 rather than PEM
 * because the JDK alone cannot read every PEM key flavour (PKCS#1, encrypted) without BouncyCastle.
 */
final class TlsContexts {
    private TlsContexts() {
    }

    /** @throws IllegalArgumentException naming the key whose file could not be used */
    static SSLContext create(String keyPrefix, ElasticsearchTls tls) {
        try {
            TrustManager[] trust = tls.verify() ? trustManagers(keyPrefix, tls) : new TrustManager[]{new TrustAll()};
            KeyManager[] keys = keyManagers(keyPrefix, tls);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyPrefix + "tls: cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(String keyPrefix, ElasticsearchTls tls) throws GeneralSecurityException {
        if (tls.caFile().isEmpty()) {
            return null; // the JVM's default trust store
        }
        String key = keyPrefix + "tls.ca-file";
        Path file = Path.of(tls.caFile().get());
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(file)) {
            store.load(null, null);
            int n = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, cert);
            }
            if (n == 0) {
                throw new IllegalArgumentException(key + "=" + file + " holds no certificate: use the cluster's CA in PEM");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(key + "=" + file + " cannot be read: " + e.getMessage(), e);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException(key + "=" + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(String keyPrefix, ElasticsearchTls tls) throws GeneralSecurityException {
        if (tls.keystoreFile().isEmpty()) {
            return null;
        }
        String key = keyPrefix + "tls.keystore-file";
        Path file = Path.of(tls.keystoreFile().get());
        char[] password = tls.keystorePassword().orElse("").toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            // the password is never named, only that it or the file is wrong
            throw new IllegalArgumentException(key + "=" + file + " cannot be opened (" + e.getMessage()
                    + "): check the file is PKCS12 and " + keyPrefix + "tls.keystore-password", e);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException(key + "=" + file + " holds an unreadable certificate", e);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
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
