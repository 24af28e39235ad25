package dev.nitelog.sink.http;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Sink type {@code http}: each batch POSTed to one URL as NDJSON or a JSON array, for Loki push
 * gateways, Splunk HEC, Vector and Fluent Bit HTTP inputs and webhooks (docs/http-sink.md).
 */
@ApplicationScoped
public class HttpSinkFactory implements SinkFactory<HttpSinkOptions> {
    private static final Logger LOG = Logger.getLogger(HttpSinkFactory.class);

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Class<HttpSinkOptions> optionsType() {
        return HttpSinkOptions.class;
    }

    /** @throws IllegalArgumentException naming the key, value and fix of an invalid setting */
    @Override
    public Sink create(String name, SinkConfig config, HttpSinkOptions options) {
        HttpSettings settings = HttpSettings.of(name, options);
        LOG.infof("Sink %s: %s", name, settings); // no credential, no header value
        return new HttpSink(settings);
    }
}
