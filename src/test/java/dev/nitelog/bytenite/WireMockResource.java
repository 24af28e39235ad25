package dev.nitelog.bytenite;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * A WireMock server on a free loopback port for a Quarkus test, with nitelog's ByteNite URLs and
 * API key pointed at it before the application starts. Inject it with {@link InjectWireMock}.
 */
public class WireMockResource implements QuarkusTestResourceLifecycleManager {
    static final String API_KEY = "cdi-key-SECRET-77";

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                .bindAddress("127.0.0.1").dynamicPort());
        server.start();
        return Map.of(
                "nitelog.bytenite.api-url", server.baseUrl() + "/v1/customer",
                "nitelog.bytenite.auth-url", server.baseUrl() + "/v1/auth",
                "nitelog.bytenite.api-key", API_KEY);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectWireMock.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Marks the test field that receives the running server. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectWireMock {
    }
}
