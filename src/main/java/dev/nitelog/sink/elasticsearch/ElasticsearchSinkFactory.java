package dev.nitelog.sink.elasticsearch;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Sink type {@code elasticsearch}: Elasticsearch 7/8 and OpenSearch 1/2 over the {@code _bulk} API. */
@ApplicationScoped
public class ElasticsearchSinkFactory implements SinkFactory<ElasticsearchSinkOptions> {
    private static final Logger LOG = Logger.getLogger(ElasticsearchSinkFactory.class);

    @Override
    public String type() {
        return "elasticsearch";
    }

    @Override
    public Class<ElasticsearchSinkOptions> optionsType() {
        return ElasticsearchSinkOptions.class;
    }

    /** @throws IllegalArgumentException naming the key, value and fix of an invalid setting */
    @Override
    public Sink create(String name, SinkConfig config, ElasticsearchSinkOptions options) {
        EsSettings settings = EsSettings.of(name, options);
        LOG.infof("Sink %s: %s", name, settings); // no credentials in it
        return new ElasticsearchSink(settings);
    }
}
