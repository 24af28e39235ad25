package dev.nitelog.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * No config file and no API key: nitelog is a demo from any directory. It follows the embedded
 * simulator (as without a key anyway) with a stdout sink and a state directory of its own in the
 * temp directory, removed at exit: the simulator's jobs are new on every start, so there is
 * nothing worth keeping, and a fresh directory never collides with another demo's lock.
 * Set as system properties before Quarkus boots, like the config location (see {@link NitelogMain}).
 */
final class DemoDefaults {
    private static final String[] KEY_SETTINGS = {"NITELOG_BYTENITE_API_KEY", "NITELOG_BYTENITE_API_KEY_FILE"};

    private final Optional<Path> stateDir; // empty when NITELOG_STATE_DIR chose one

    private DemoDefaults(Optional<Path> stateDir) {
        this.stateDir = stateDir;
    }

    /**
     * Applies the demo defaults when nothing configures nitelog: no config file was located and no
     * API key is set in the environment or system properties.
     */
    static Optional<DemoDefaults> applyIfUnconfigured(Map<String, String> env) {
        if (System.getProperty("quarkus.config.locations") != null || hasApiKey(env)) {
            return Optional.empty();
        }
        System.setProperty("nitelog.sinks.console.type", "stdout");
        System.setProperty("nitelog.sinks.console.format", "text"); // for a person at a terminal
        if (isSet(env.get("NITELOG_STATE_DIR"))) {
            return Optional.of(new DemoDefaults(Optional.empty()));
        }
        try {
            Path dir = Files.createTempDirectory("nitelog-demo-");
            System.setProperty("nitelog.state.dir", dir.toString());
            return Optional.of(new DemoDefaults(Optional.of(dir)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a demo state directory in java.io.tmpdir", e);
        }
    }

    private static boolean hasApiKey(Map<String, String> env) {
        for (String name : KEY_SETTINGS) {
            if (isSet(env.get(name))) {
                return true;
            }
        }
        return isSet(System.getProperty("nitelog.bytenite.api-key"))
                || isSet(System.getProperty("nitelog.bytenite.api-key-file"));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /** The one line saying so, on stderr before anything else. */
    String notice() {
        return "nitelog: DEMO: no config file (--config, NITELOG_CONFIG or ./config/nitelog.yaml) and no API key:"
                + " following the embedded ByteNite simulator's jobs, records on stdout, state in "
                + stateDir.map(dir -> dir + " (removed at exit)").orElse("NITELOG_STATE_DIR");
    }

    /** Removes the temporary state directory, once nitelog has stopped writing to it. */
    void cleanUp() {
        if (stateDir.isEmpty()) {
            return;
        }
        try (Stream<Path> files = Files.walk(stateDir.get())) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // the temp directory: leaving it behind is harmless
        }
    }
}
