import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

import java.util.Collections;
import java.util.List;

/**
 * One OpenSearch 2.19 node for the Elasticsearch sink bench, in its own JVM (run by
 * run-elasticsearch.sh with Java's source launcher on the jars of pom.xml beside it), the way the
 * tests' EmbeddedOpenSearch starts one: single-node, plain HTTP on 127.0.0.1, only the netty
 * transport plugin. Usage: {@code OpenSearchMain <home> <http-port>}; runs until killed.
 */
public final class OpenSearchMain {
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.builder()
                .put("cluster.name", "nitelog-bench")
                .put("node.name", "nitelog-bench")
                .put("path.home", args[0])
                .put("path.data", args[0] + "/data")
                .put("path.logs", args[0] + "/logs")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", args[1])
                .put("transport.port", "0")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true)
                .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(),
                null, () -> "nitelog-bench");
        Node node = new BenchNode(environment, List.of(Netty4Plugin.class));
        node.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        System.out.println("STARTED");
        Thread.currentThread().join();
    }

    /** Node's constructor taking classpath plugins is protected. */
    static final class BenchNode extends Node {
        BenchNode(Environment environment, List<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }
}
