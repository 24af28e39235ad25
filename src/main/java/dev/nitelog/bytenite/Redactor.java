package dev.nitelog.bytenite;

import java.util.function.Supplier;

/**
 * Masks the API key and the current access token in text that came from outside (a server's
 * error message, a transport exception's message) before it goes into an exception message: a
 * server that echoes the request must not leak the key into logs.
 */
final class Redactor {
    private static final String MASK = "****";
    private final Supplier<String> apiKey;
    private final Supplier<String> token;

    /** Both are read at each call: the key can be re-read from its file, the token is renewed. */
    Redactor(Supplier<String> apiKey, Supplier<String> token) {
        this.apiKey = apiKey;
        this.token = token;
    }

    String redact(String text) {
        if (text == null) {
            return "";
        }
        String out = mask(text, apiKey.get());
        return mask(out, token.get());
    }

    private static String mask(String text, String secret) {
        return secret == null || secret.isEmpty() ? text : text.replace(secret, MASK);
    }
}
