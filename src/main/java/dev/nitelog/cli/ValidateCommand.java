package dev.nitelog.cli;

import dev.nitelog.config.ConfigValidator;
import dev.nitelog.config.InvalidConfigException;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.cursor.CheckpointStoreException;
import dev.nitelog.cursor.FileCheckpointStore;
import dev.nitelog.bytenite.ByteNiteEndpoints;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code nitelog validate}: runs the checks the daemon runs at startup (the validator, each sink
 * factory's own checks by creating and closing the sink, the API key file, the state directory)
 * without polling anything or starting the demo simulator.
 */
@ApplicationScoped
public class ValidateCommand {
    /** Exit code for a configuration the user must fix, as at startup. */
    public static final int EXIT_BAD_CONFIG = 2;

    private final NitelogConfig config;
    private final SinkRegistry registry;

    public ValidateCommand(NitelogConfig config, SinkRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /** Prints the verdict (OK on stdout, the problem on stderr) and returns the exit code. */
    public int run(PrintStream out, PrintStream err) {
        try {
            check();
        } catch (InvalidConfigException | IllegalArgumentException | CheckpointStoreException e) {
            err.println("nitelog: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        int n = config.sinks().size();
        out.println("nitelog: configuration OK (" + n + (n == 1 ? " sink: " : " sinks: ")
                + SinkRegistry.describe(config) + ")");
        return 0;
    }

    /** @throws InvalidConfigException (or IllegalArgumentException, CheckpointStoreException) naming the key */
    public void check() {
        new ConfigValidator(registry.optionTypes()).validate(config, ConfigProvider.getConfig());
        ByteNiteEndpoints.ApiKey.configured(config.bytenite()); // a key file that cannot be read; the key is not kept
        for (Map.Entry<String, SinkConfig> sink : new TreeMap<>(config.sinks()).entrySet()) {
            // one at a time, so a rejected sink never leaves an earlier one open
            registry.create(Map.of(sink.getKey(), sink.getValue())).values().forEach(Sink::close);
        }
        FileCheckpointStore.open(Path.of(config.state().dir()));
    }
}
