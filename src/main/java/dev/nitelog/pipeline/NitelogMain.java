package dev.nitelog.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The process entry point. The daemon itself starts on Quarkus' startup event ({@link Lifecycle});
 * this only turns a configuration error into one line on stderr and exit code 2, and otherwise
 * runs until SIGTERM.
 */
@QuarkusMain
public class NitelogMain implements QuarkusApplication {
    /** The config file used when NITELOG_CONFIG is not set. */
    public static final String DEFAULT_CONFIG = "config/nitelog.yaml";

    /** Exit code for a configuration the user must fix. */
    public static final int EXIT_BAD_CONFIG = 2;

    private final Lifecycle lifecycle;

    public NitelogMain(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    public static void main(String... args) {
        String problem = locateConfig(System.getenv("NITELOG_CONFIG"));
        if (problem != null) {
            System.err.println("nitelog: " + problem);
            System.exit(EXIT_BAD_CONFIG);
        }
        Quarkus.run(NitelogMain.class, NitelogMain::exit, args);
    }

    /**
     * Points Quarkus at the config file at run time: {@code NITELOG_CONFIG}, else
     * {@code config/nitelog.yaml} when it exists. Set here rather than in application.properties,
     * because a location known at build time would have its values baked into the jar as defaults.
     *
     * @return a one-line problem, or null
     */
    static String locateConfig(String fromEnvironment) {
        if (System.getProperty("quarkus.config.locations") != null) {
            return null; // set explicitly, e.g. by a command's --config
        }
        Path file = Path.of(fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_CONFIG : fromEnvironment);
        if (Files.isRegularFile(file)) {
            System.setProperty("quarkus.config.locations", file.toAbsolutePath().toString());
            return null;
        }
        return fromEnvironment == null || fromEnvironment.isBlank() ? null
                : "NITELOG_CONFIG=" + fromEnvironment + " is not a readable file: point it at your nitelog.yaml";
    }

    @Override
    public int run(String... args) {
        if (lifecycle.startupError().isPresent()) {
            System.err.println("nitelog: " + lifecycle.startupError().get());
            return EXIT_BAD_CONFIG;
        }
        // SIGTERM is the normal way to stop a daemon: shut down gracefully and exit 0, not 143
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> Quarkus.asyncExit(0));
        Quarkus.waitForExit();
        return 0;
    }

    /** Startup failed before {@link #run}: a config value of the wrong type, for instance. */
    private static void exit(int code, Throwable failure) {
        if (failure != null) {
            System.err.println("nitelog: " + StartupErrors.oneLine(failure));
            System.exit(code == 0 ? 1 : code);
        }
        System.exit(code);
    }
}
