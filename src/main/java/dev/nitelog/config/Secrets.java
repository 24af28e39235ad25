package dev.nitelog.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Secrets that may be given as a value ({@code password}) or as a file holding the value
 * ({@code password-file}, e.g. a mounted Kubernetes Secret). The messages name keys and paths,
 * never a value.
 */
public final class Secrets {
    private Secrets() {
    }

    /**
     * The secret from {@code key} or from {@code key-file}, whichever is set, with trailing line
     * breaks of a file dropped.
     *
     * @param key the value's full key, e.g. {@code nitelog.sinks.search.password}; the file's key
     *            is this plus {@code -file}
     * @throws InvalidConfigException when both are set or the file cannot be read
     */
    public static Optional<String> resolve(String key, Optional<String> value, Optional<String> file) {
        if (value.isPresent() && file.isPresent()) {
            throw new InvalidConfigException(key + " and " + key + "-file are both set: keep only one of them"
                    + " (" + key + "-file to read the secret from a mounted file)");
        }
        return value.isPresent() ? value : file.map(path -> read(key + "-file", path));
    }

    /**
     * The content of a secret file without its trailing line breaks.
     *
     * @throws InvalidConfigException naming the key, the path and the fix when it cannot be read or is empty
     */
    public static String read(String fileKey, String path) {
        String text;
        try {
            text = Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigException(fileKey + "=" + path + " cannot be read (" + e.getClass().getSimpleName()
                    + "): mount the secret file there, make it readable by nitelog's user, or fix the path");
        }
        String secret = stripLineBreaks(text);
        if (secret.isEmpty()) {
            throw new InvalidConfigException(fileKey + "=" + path + " is empty: write the secret into it");
        }
        return secret;
    }

    /** Editors and {@code echo} end a file with a line break that is not part of the secret. */
    static String stripLineBreaks(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
