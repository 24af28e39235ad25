package dev.nitelog.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs one Elasticsearch 8 node (server plus the netty4 transport module; no x-pack, so no
 * security) in its own JVM, for {@link Elasticsearch8Process}: {@code Elasticsearch8Main <home> <http-port>}.
 * Prints {@code STARTED} once it serves HTTP and stops when stdin closes, so it never outlives the
 * test that started it.
 *
 * <p>Elasticsearch is called by reflection because its jars are deliberately not on the test
 * classpath (they would clash with OpenSearch and Quarkus there); in the child JVM they sit on the
 * module path, as in the real distribution, which the netty4 module's plugin layer requires.
 */
public final class Elasticsearch8Main {
    private Elasticsearch8Main() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Map<String, String> settings = Map.of(
                "cluster.name", "nitelog-es8",
                "node.name", "nitelog-es8",
                "path.home", home.toString(),
                "path.data", home.resolve("data").toString(),
                "path.logs", home.resolve("logs").toString(),
                "discovery.type", "single-node",
                "network.host", "127.0.0.1",
                "http.port", args[1],
                "transport.port", "0",
                "cluster.routing.allocation.disk.threshold_enabled", "false");
        Class<?> logConfigurator = Class.forName("org.elasticsearch.common.logging.LogConfigurator");
        Class<?> settingsClass = Class.forName("org.elasticsearch.common.settings.Settings");
        Object empty = settingsClass.getField("EMPTY").get(null);
        // logging first: Elasticsearch's classes fetch their loggers while initialising
        logConfigurator.getMethod("registerErrorListener").invoke(null);
        logConfigurator.getMethod("setNodeName", String.class).invoke(null, "nitelog-es8");
        logConfigurator.getMethod("configureESLogging").invoke(null);
        Supplier<String> nodeName = () -> "nitelog-es8";
        Object environment = Class.forName("org.elasticsearch.node.InternalSettingsPreparer")
                .getMethod("prepareEnvironment", settingsClass, Map.class, Path.class, Supplier.class)
                .invoke(null, empty, settings, null, nodeName);
        logConfigurator.getMethod("configureWithoutConfig", settingsClass)
                .invoke(null, environment.getClass().getMethod("settings").invoke(environment));
        Class<?> pluginsLoader = Class.forName("org.elasticsearch.plugins.PluginsLoader");
        Object modules = pluginsLoader.getMethod("loadModulesBundles", Path.class).invoke(null, home.resolve("modules"));
        Object loader = pluginsLoader.getMethod("createPluginsLoader", Set.class, Set.class, Map.class)
                .invoke(null, modules, Set.of(), Map.of());
        Class<?> nodeClass = Class.forName("org.elasticsearch.node.Node");
        Constructor<?> constructor = nodeClass.getConstructor(environment.getClass(), pluginsLoader);
        Object node = constructor.newInstance(environment, loader);
        nodeClass.getMethod("start").invoke(node);
        System.out.println("STARTED");
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent holds stdin open while it wants the node
        }
        Method close = nodeClass.getMethod("close");
        close.invoke(node);
        System.exit(0);
    }
}
