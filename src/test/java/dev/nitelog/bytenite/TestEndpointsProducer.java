package dev.nitelog.bytenite;

import dev.nitelog.config.NitelogConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.net.URI;

/**
 * Endpoints from config for Quarkus tests, as the entry point's producer makes them. A default bean:
 * once the entry point's own producer exists, that one wins and this one steps aside.
 */
@Singleton
class TestEndpointsProducer {

    @Produces
    @DefaultBean
    @Dependent
    ByteNiteEndpoints endpoints(NitelogConfig config) {
        return new ByteNiteEndpoints(URI.create(config.bytenite().apiUrl()), URI.create(config.bytenite().authUrl()),
                new ByteNiteEndpoints.ApiKey(config.bytenite().apiKey().orElse("")));
    }
}
