package dev.nitelog.sink.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * nitelog's composable index template ({@code PUT _index_template/<name>}), for Elasticsearch 7.8+
 * and OpenSearch 1+: the mappings of {@code mappings.json} over the index pattern derived from the
 * {@code index} template, or over the data stream.
 */
final class IndexTemplate {
    static final String MAPPINGS = read("mappings.json");

    private IndexTemplate() {
    }

    /** The template body for an index pattern such as {@code bytenite-logs-*}. */
    static String body(String indexPattern, boolean dataStream) {
        return "{\"index_patterns\":[\"" + indexPattern + "\"],"
                + (dataStream ? "\"data_stream\":{}," : "")
                + "\"priority\":200,"
                + "\"template\":{\"mappings\":" + MAPPINGS.strip() + "},"
                + "\"_meta\":{\"managed_by\":\"nitelog\",\"description\":\"ByteNite job logs shipped by nitelog\"}}";
    }

    private static String read(String resource) {
        try (InputStream in = IndexTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
