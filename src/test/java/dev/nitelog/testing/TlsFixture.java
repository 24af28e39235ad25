package dev.nitelog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI made with the JDK's {@code keytool}: a CA, a server certificate for
 * {@code 127.0.0.1}/{@code localhost} and a client certificate, both signed by the CA. The files
 * are those an operator would hand nitelog: the CA as PEM, the client key as PKCS12 or as a PEM
 * certificate chain and PKCS#8 key.
 */
public final class TlsFixture {
    /** Password of every keystore here; a test value, and itself something the sink must not leak. */
    public static final String PASSWORD = "s3cret-keystore-pass";

    private final Path dir;

    private TlsFixture(Path dir) {
        this.dir = dir;
    }

    /** Generates the CA, the server and the client certificates in {@code dir}. */
    public static TlsFixture create(Path dir) throws IOException, InterruptedException {
        TlsFixture pki = new TlsFixture(dir);
        pki.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=nitelog test CA", "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
        pki.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        pki.signed("server", "CN=localhost", "san=ip:127.0.0.1,dns:localhost");
        pki.signed("client", "CN=nitelog", null);
        return pki;
    }

    /** The CA certificate, PEM. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The client's PKCS12 keystore: key, certificate and CA chain. */
    public Path clientKeystore() {
        return dir.resolve("client.p12");
    }

    /** The client's certificate chain (leaf first, then the CA) as PEM, written on first use. */
    public Path clientCertificatePem() throws IOException, GeneralSecurityException {
        Path file = dir.resolve("client-chain.pem");
        if (!Files.exists(file)) {
            StringBuilder pem = new StringBuilder();
            for (Certificate cert : load(clientKeystore()).getCertificateChain("client")) {
                pem.append(pem("CERTIFICATE", cert.getEncoded()));
            }
            Files.writeString(file, pem);
        }
        return file;
    }

    /** The client's private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), written on first use. */
    public Path clientKeyPem() throws IOException, GeneralSecurityException {
        Path file = dir.resolve("client-key.pem");
        if (!Files.exists(file)) {
            Key key = load(clientKeystore()).getKey("client", PASSWORD.toCharArray());
            Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
        }
        return file;
    }

    private static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    /** A server-side context presenting the server certificate and trusting client certificates of the CA. */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore keys = load(dir.resolve("server.p12"));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        KeyStore trust = load(dir.resolve("ca.p12"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    /** {@code https://127.0.0.1:port}. */
    public static URI httpsUrl(int port) {
        return URI.create("https://127.0.0.1:" + port);
    }

    private void signed(String name, String dname, String san) throws IOException, InterruptedException {
        String store = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "2", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-rfc",
                "-validity", "2", "-infile", name + ".csr", "-outfile", name + ".pem"));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", name + ".pem", "-keystore", store);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }
}
