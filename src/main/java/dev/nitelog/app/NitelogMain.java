package dev.nitelog.app;

import dev.nitelog.cli.Command;
import dev.nitelog.cli.LogsCommand;
import dev.nitelog.cli.StateCommand;
import dev.nitelog.cli.Parsed;
import dev.nitelog.cli.UsageException;
import dev.nitelog.cli.ValidateCommand;
import dev.nitelog.pipeline.Lifecycle;
import dev.nitelog.pipeline.StartupErrors;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Provider;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The process entry point: parses the command line ({@link Command}, with picocli) before Quarkus
 * boots, prints help, version or the completion script without booting it, else runs the daemon
 * (whose startup is {@link Lifecycle}'s) or one of the CLI commands. A configuration error becomes
 * one line on stderr and exit code 2; a command line error the usage and exit code 64.
 */
@QuarkusMain
public class NitelogMain implements QuarkusApplication {
    /** The config file used when NITELOG_CONFIG is not set. */
    public static final String DEFAULT_CONFIG = "config/nitelog.yaml";

    /** Exit code for a configuration the user must fix. */
    public static final int EXIT_BAD_CONFIG = 2;

    private final Lifecycle lifecycle;
    private final Provider<ValidateCommand> validate;
    private final Provider<LogsCommand> logs;
    private final Provider<StateCommand> state;

    public NitelogMain(Lifecycle lifecycle, Provider<ValidateCommand> validate, Provider<LogsCommand> logs,
                       Provider<StateCommand> state) {
        this.lifecycle = lifecycle;
        this.validate = validate;
        this.logs = logs;
        this.state = state;
    }

    /** Set when the demo defaults apply, to remove their state directory at exit. */
    private static volatile Optional<DemoDefaults> demo = Optional.empty();

    public static void main(String... args) {
        Parsed parsed;
        try {
            parsed = Command.parse(Clock.systemUTC(), args);
        } catch (UsageException e) {
            System.err.println("nitelog: " + e.getMessage());
            System.err.print(e.usage());
            System.exit(Command.EXIT_USAGE);
            return;
        }
        if (parsed instanceof Parsed.Printout printout) {
            System.out.print(printout.stdout()); // help, version, completion: no Quarkus, so any config will do
            System.out.flush();
            System.exit(printout.exitCode());
            return;
        }
        Command command = (Command) parsed;
        Invocation.set(command);
        Lifecycle.daemonStarts(command.startsDaemon());
        command.settings().forEach(System::setProperty); // a flag outranks the file and the environment
        if (command.config().isPresent()) {
            String file = command.config().get();
            if (!Files.isRegularFile(Path.of(file))) {
                System.err.println("nitelog: --config " + file + " is not a file: give the path of a nitelog.yaml");
                System.exit(EXIT_BAD_CONFIG);
            }
            System.setProperty("quarkus.config.locations", Path.of(file).toAbsolutePath().toString());
        }
        if (!command.startsDaemon()) {
            // a one-shot command must work while the daemon holds its port, and print only its own output
            System.setProperty("quarkus.http.host", "127.0.0.1");
            System.setProperty("quarkus.http.port", "0");
            System.setProperty("quarkus.log.level", "WARN");
        }
        String problem = locateConfig(System.getenv("NITELOG_CONFIG"));
        if (problem != null) {
            System.err.println("nitelog: " + problem);
            System.exit(EXIT_BAD_CONFIG);
        }
        // state reads the configured state directory: a demo's throwaway one would show nothing
        demo = command.kind() == Command.Kind.STATE ? Optional.empty() : DemoDefaults.applyIfUnconfigured(System.getenv());
        if (command.kind() != Command.Kind.LOGS) { // logs says DEMO itself
            demo.ifPresent(defaults -> System.err.println(defaults.notice()));
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
        Command command = Invocation.current();
        return switch (command.kind()) {
            case VALIDATE -> validate.get().run(System.out, System.err);
            case LOGS -> logs.get().run(command.logs().orElseThrow(), System.out, System.err);
            case STATE -> state.get().run(command.state().orElseThrow(), System.out, System.err);
            case RUN -> runDaemon();
        };
    }

    private int runDaemon() {
        if (lifecycle.startupError().isPresent()) {
            if (jsonLog()) { // a collector parsing JSON lines would drop a plain one, and this one matters most
                Logger.getLogger(NitelogMain.class).error(lifecycle.startupError().get());
            } else {
                System.err.println("nitelog: " + lifecycle.startupError().get());
            }
            return EXIT_BAD_CONFIG;
        }
        // SIGTERM is the normal way to stop a daemon: shut down gracefully and exit 0, not 143
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> Quarkus.asyncExit(0));
        Quarkus.waitForExit();
        return 0;
    }

    private static boolean jsonLog() {
        try {
            return ConfigProvider.getConfig().getOptionalValue("quarkus.log.console.json.enabled", Boolean.class)
                    .orElse(false);
        } catch (RuntimeException noConfig) { // startup failed before the config could be read: text
            return false;
        }
    }

    /**
     * Quarkus has stopped; {@code failure} is set when startup failed before {@link #run} (a config
     * value of the wrong type, for instance).
     */
    private static void exit(int code, Throwable failure) {
        demo.ifPresent(DemoDefaults::cleanUp); // Quarkus has stopped: nothing writes the state any more
        if (failure != null) {
            if (jsonLog()) { // one event, the whole cause chain in its error.stack_trace
                Logger.getLogger(NitelogMain.class).error("nitelog: " + StartupErrors.oneLine(failure), failure);
            } else {
                System.err.println("nitelog: " + StartupErrors.oneLine(failure));
            }
            System.exit(StartupErrors.isConfigProblem(failure) ? EXIT_BAD_CONFIG : code == 0 ? 1 : code);
        }
        System.exit(code);
    }
}
