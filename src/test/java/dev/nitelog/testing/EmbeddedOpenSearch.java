package dev.nitelog.testing;

import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A single-node OpenSearch 2.19 running inside the test JVM on 127.0.0.1, with its HTTP API on a
 * free port. {@link #stop()} and {@link #start()} again keep the port and the data, so a test can
 * take the engine away and bring it back. Only the netty transport plugin is loaded (no security),
 * so the HTTP API is plain, unauthenticated http.
 */
public final class EmbeddedOpenSearch implements AutoCloseable {
    private final Path home;
    private Node node;
    private int httpPort; // 0 until the first start picked one

    public EmbeddedOpenSearch() {
        try {
            home = Files.createTempDirectory("nitelog-opensearch-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Netty's processor count may already be fixed by another library in this JVM (Quarkus, Vert.x)
        System.setProperty("opensearch.set.netty.runtime.available.processors", "false");
    }

    /** Starts the node (again, on the same port and data once it ran before). */
    public synchronized EmbeddedOpenSearch start() {
        if (node != null) {
            return this;
        }
        Settings settings = Settings.builder()
                .put("cluster.name", "nitelog-test")
                .put("node.name", "nitelog-test-node")
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort == 0 ? "0" : Integer.toString(httpPort))
                .put("transport.port", "0")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true)
                .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(),
                null, () -> "nitelog-test-node");
        TestNode started = new TestNode(environment, List.of(Netty4Plugin.class));
        try {
            started.start();
        } catch (NodeValidationException e) {
            throw new IllegalStateException("OpenSearch did not start: " + e.getMessage(), e);
        }
        node = started;
        httpPort = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().getPort();
        return this;
    }

    /** Stops the node, keeping its data and port for {@link #start()}. */
    public synchronized void stop() {
        if (node == null) {
            return;
        }
        try {
            node.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node = null;
    }

    public synchronized boolean running() {
        return node != null;
    }

    /** The HTTP base URL, e.g. {@code http://127.0.0.1:34567}. */
    public URI url() {
        if (httpPort == 0) {
            throw new IllegalStateException("not started yet");
        }
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public int httpPort() {
        return httpPort;
    }

    /** Stops the node and deletes its directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is not worth failing a test for
        }
    }

    /** Node's constructor taking classpath plugins is protected. */
    private static final class TestNode extends Node {
        TestNode(Environment environment, List<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }
}
