package dev.nitelog.sink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and unencrypted PKCS#8 private keys, read with the JDK alone, for the sinks
 * that take TLS material as PEM files. Other key flavours (PKCS#1 {@code BEGIN RSA PRIVATE KEY},
 * SEC1 {@code BEGIN EC PRIVATE KEY}, encrypted keys) are refused with the {@code openssl} command
 * that converts them. Messages name the key and the file, never the file's content.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem";

    private PemFiles() {
    }

    /**
     * Every certificate in a PEM file, in file order.
     *
     * @param key the config key naming the file, for messages
     * @throws IllegalArgumentException naming the key and file when it cannot be read or holds no certificate
     */
    public static List<Certificate> certificates(String key, String file) {
        String text = read(key, file);
        try {
            List<Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(key + "=" + file + " holds no certificate: use a PEM file"
                        + " with -----BEGIN CERTIFICATE----- blocks");
            }
            return certs;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(key + "=" + file + " is not a PEM certificate file (" + e.getMessage()
                    + "): use a PEM file with -----BEGIN CERTIFICATE----- blocks", e);
        }
    }

    /**
     * The private key of a PEM file holding one unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}):
     * RSA, EC or EdDSA.
     *
     * @throws IllegalArgumentException naming the key and file, and the conversion for other formats
     */
    public static PrivateKey privateKey(String key, String file) {
        String text = read(key, file);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(key, file, Base64.getMimeDecoder().decode(m.group(2)));
            }
            if (type.endsWith("PRIVATE KEY")) {
                String what = type.equals("ENCRYPTED PRIVATE KEY") ? "an encrypted key"
                        : "a -----BEGIN " + type + "----- key (not PKCS#8)";
                throw new IllegalArgumentException(key + "=" + file + " holds " + what
                        + ", which nitelog cannot read: " + CONVERT);
            }
        }
        throw new IllegalArgumentException(key + "=" + file + " holds no -----BEGIN PRIVATE KEY----- block:"
                + " use the client's unencrypted PKCS#8 key in PEM, or " + CONVERT);
    }

    private static PrivateKey pkcs8(String key, String file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new IllegalArgumentException(key + "=" + file + " holds a PKCS#8 key of an algorithm nitelog cannot"
                + " read: use an RSA or EC key");
    }

    /** The file's text; a PEM file is ASCII, so nothing is lost whatever its encoding. */
    public static String read(String key, String file) {
        try {
            return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(key + "=" + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "): mount the file there, make it readable by nitelog's user, or fix the path", e);
        }
    }
}
