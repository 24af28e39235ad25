package dev.nitelog.sink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemFilesTest {
    private static final String KEY = "nitelog.sinks.search.tls.key-file";

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Test
    void readsUnencryptedPkcs8RsaAndEcKeys(@TempDir Path dir) throws Exception {
        for (String algorithm : new String[]{"RSA", "EC"}) {
            KeyPair pair = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            Path file = Files.writeString(dir.resolve(algorithm + ".pem"), "comment line\n"
                    + pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PrivateKey key = PemFiles.privateKey(KEY, file.toString());
            assertEquals(algorithm, key.getAlgorithm());
            assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
        }
    }

    @Test
    void refusesPkcs1AndEncryptedKeysNamingTheKeyFileAndTheConversion(@TempDir Path dir) throws Exception {
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), pem("RSA PRIVATE KEY", new byte[]{48, 3, 2, 1, 0}));
        String message = assertThrows(IllegalArgumentException.class,
                () -> PemFiles.privateKey(KEY, pkcs1.toString())).getMessage();
        assertEquals(KEY + "=" + pkcs1 + " holds a -----BEGIN RSA PRIVATE KEY----- key (not PKCS#8), which nitelog cannot read: convert it"
                + " with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem", message);

        Path encrypted = Files.writeString(dir.resolve("enc.pem"), pem("ENCRYPTED PRIVATE KEY", new byte[]{1, 2, 3}));
        message = assertThrows(IllegalArgumentException.class,
                () -> PemFiles.privateKey(KEY, encrypted.toString())).getMessage();
        assertTrue(message.startsWith(KEY + "=" + encrypted + " holds an encrypted key"), message);
        assertTrue(message.contains("openssl pkcs8 -topk8 -nocrypt"), message);
        assertFalse(message.contains("AQID"), "the file's content leaked: " + message);
    }

    @Test
    void namesAMissingFileAndACertificateFileWithoutCertificates(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("nope.pem").toString();
        assertEquals(KEY + "=" + missing + " cannot be read (NoSuchFileException): mount the file there, make it"
                        + " readable by nitelog's user, or fix the path",
                assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(KEY, missing)).getMessage());
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        String message = assertThrows(IllegalArgumentException.class,
                () -> PemFiles.certificates("k.ca-file", empty.toString())).getMessage();
        assertTrue(message.startsWith("k.ca-file=" + empty + " holds no certificate"), message);
    }
}
