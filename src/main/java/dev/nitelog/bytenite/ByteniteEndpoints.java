package dev.nitelog.bytenite;

import java.net.URI;

/**
 * Where the client connects and with which key. The pipeline produces it: from config, or from
 * the embedded simulator in the demo.
 *
 * @param apiUrl  Customer API base URL
 * @param authUrl Authentication API base URL
 * @param apiKey  the API key; its toString never shows it
 */
public record ByteniteEndpoints(URI apiUrl, URI authUrl, ApiKey apiKey) {

    /** An API key that never prints itself. */
    public record ApiKey(String value) {
        @Override
        public String toString() {
            return "ApiKey[****]";
        }
    }
}
