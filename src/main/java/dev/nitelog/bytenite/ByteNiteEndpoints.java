package dev.nitelog.bytenite;

import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the client connects and with which key. The pipeline produces it: from config, or from
 * the embedded simulator in the demo.
 *
 * @param apiUrl  Customer API base URL
 * @param authUrl Authentication API base URL
 * @param apiKey  the API key; its toString never shows it
 */
public record ByteNiteEndpoints(URI apiUrl, URI authUrl, ApiKey apiKey) {

    /**
     * An API key that never prints itself. A key read from a file can be read again when ByteNite
     * refuses it, so that a key rotated on disk is picked up without a restart.
     */
    public static final class ApiKey {
        private final Optional<KeyFile> file;
        private volatile String value;

        /** Where a key read from a file comes from, and how to read it again. */
        private record KeyFile(String source, Supplier<String> reader) {
        }

        private static final String KEY = "nitelog.bytenite.api-key";

        /**
         * The configured key: from api-key, else from api-key-file (without its trailing newline,
         * and read again when ByteNite refuses it); empty when neither is set.
         *
         * @throws dev.nitelog.config.InvalidConfigException when both are set or the file cannot be read
         */
        public static java.util.Optional<ApiKey> configured(dev.nitelog.config.ByteNiteConfig bytenite) {
            java.util.Optional<String> value = bytenite.apiKey().filter(k -> !k.isBlank());
            dev.nitelog.config.Secrets.resolve(KEY, value, bytenite.apiKeyFile()); // both set, or an unreadable file
            if (value.isPresent()) {
                return value.map(ApiKey::new);
            }
            return bytenite.apiKeyFile().map(file -> fromFile(KEY + "-file=" + file,
                    () -> dev.nitelog.config.Secrets.read(KEY + "-file", file)));
        }

        /** A fixed key (config value, environment, the demo's simulator). */
        public ApiKey(String value) {
            this(value, Optional.empty());
        }

        private ApiKey(String value, Optional<KeyFile> file) {
            this.value = value;
            this.file = file;
        }

        /**
         * A key read from a file now and again on {@link #reread()}.
         *
         * @param source what to name in logs, e.g. {@code nitelog.bytenite.api-key-file=/run/key}
         * @param reader reads the file's key; throws with a message naming the file, never the key
         */
        public static ApiKey fromFile(String source, Supplier<String> reader) {
            return new ApiKey(reader.get(), Optional.of(new KeyFile(source, reader)));
        }

        public String value() {
            return value;
        }

        /** What the key was read from; empty for a fixed key. */
        public Optional<String> source() {
            return file.map(KeyFile::source);
        }

        /**
         * Reads the key file again.
         *
         * @return true when the file holds a different key than before
         * @throws RuntimeException from the reader, naming the file, when it cannot be read now
         *                          (e.g. mid-rotation); the key read before stays
         */
        public synchronized boolean reread() {
            if (file.isEmpty()) {
                return false;
            }
            String fresh = file.get().reader().get();
            if (fresh.equals(value)) {
                return false;
            }
            value = fresh;
            return true;
        }

        @Override
        public String toString() {
            return "ApiKey[****]";
        }
    }
}
