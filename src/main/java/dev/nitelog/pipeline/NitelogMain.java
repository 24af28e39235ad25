package dev.nitelog.pipeline;

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
    /** Exit code for a configuration the user must fix. */
    public static final int EXIT_BAD_CONFIG = 2;

    private final Lifecycle lifecycle;

    public NitelogMain(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    public static void main(String... args) {
        Quarkus.run(NitelogMain.class, NitelogMain::exit, args);
    }

    @Override
    public int run(String... args) {
        if (lifecycle.startupError().isPresent()) {
            System.err.println("nitelog: " + lifecycle.startupError().get());
            return EXIT_BAD_CONFIG;
        }
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
