package dev.nitelog.cli;

import dev.nitelog.metrics.Version;
import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.Level;
import dev.nitelog.record.Service;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * nitelog's command line as picocli declares it: the options, their help and their completion.
 * Only parsed here; {@link Command#parse} turns the result into a {@link Command}, so Quarkus runs
 * the commands that need it and nothing boots for help, version or completion.
 */
final class CommandLineSpec {
    private CommandLineSpec() {
    }

    /** A picocli command line for one parse (its option fields hold that parse's values). */
    static CommandLine create() {
        return new CommandLine(new Nitelog())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(false);
    }

    @CommandLine.Command(name = "nitelog", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Follows ByteNite jobs and ships each log line once to every sink.%n"
                    + "Without a command it runs the daemon (run).",
            subcommands = {Run.class, Validate.class, Logs.class, State.class, VersionCommand.class, Completion.class,
                    CommandLine.HelpCommand.class},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:OK (the daemon: stopped by SIGTERM)", "1:a command failed (logs: no such job)",
                    "2:bad configuration", "64:a command or flag nitelog does not know"})
    static final class Nitelog {
    }

    static final class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }

    /** The options of a command that runs inside Quarkus: --help and --config. */
    abstract static class Configured {
        @Mixin
        HelpOption help;
        @Option(names = "--config", paramLabel = "FILE",
                description = "Read this config file instead of NITELOG_CONFIG (default config/nitelog.yaml).")
        String config;
    }

    /** A command that prints something without Quarkus: --help only. */
    abstract static class Printing {
        @Mixin
        HelpOption help;
    }

    @CommandLine.Command(name = "run", description = "Follow jobs and ship their logs to the sinks (the default).")
    static final class Run extends Configured {
        @Option(names = "--exit-when-done", description = "Exit 0 once every followed job is done and every sink"
                + " confirmed all of it (nitelog.jobs.exit-when-done): for a sidecar beside a Kubernetes Job.")
        boolean exitWhenDone;
    }

    @CommandLine.Command(name = "validate",
            description = "Check the configuration with the daemon's startup checks and exit: 0 when OK, 2 naming the problem.")
    static final class Validate extends Configured {
    }

    @CommandLine.Command(name = "logs", description = "Print one job's log once, in time order, or follow it until the job ends.")
    static final class Logs extends Configured {
        @Parameters(paramLabel = "JOB_ID", description = "The ByteNite job id.")
        String jobId;
        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the job ended and drained.")
        boolean follow;
        @Option(names = "--level", paramLabel = "LEVEL", split = ",",
                description = "Only these levels (repeat or comma-separate): ${COMPLETION-CANDIDATES}.")
        Set<Level> levels = new LinkedHashSet<>();
        @Option(names = "--service", paramLabel = "SERVICE", split = ",",
                description = "Only these services (repeat or comma-separate): ${COMPLETION-CANDIDATES}.")
        Set<Service> services = new LinkedHashSet<>();
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "text (default) or json (the canonical record).")
        OutputFormat output = OutputFormat.TEXT;
        @Option(names = "--since", paramLabel = "SINCE",
                description = "Only lines stamped within this duration before now (10m, 1h30m, 45s, 2d, 500ms)"
                        + " or at/after this RFC3339 time (2026-01-02T03:04:05Z).")
        String since;
        @Option(names = "--tail", paramLabel = "N", defaultValue = "-1",
                description = "Print only the last N lines of the first fetch (then --follow goes on); -1, the default, prints all.")
        int tail;
        @Option(names = "--timestamps", description = "Start each text line with its RFC3339 timestamp.")
        boolean timestamps;
    }

    @CommandLine.Command(name = "state", description = "See or change what nitelog has shipped, without reading binary files.",
            subcommands = {StateList.class, StateShow.class, StateReset.class})
    static final class State extends Printing {
    }

    @CommandLine.Command(name = "list", description = "List every job with state: live or retired, its sinks,"
            + " the newest line shipped, and checkpoints that cannot be read.")
    static final class StateList extends Configured {
    }

    /** A state command about one job's checkpoint. */
    abstract static class OneCheckpoint extends Configured {
        @Parameters(paramLabel = "JOB", description = "A job id, or a checkpoint file name as `state list` shows it.")
        String target;
    }

    @CommandLine.Command(name = "show", description = "Show one job's progress per sink and stream.")
    static final class StateShow extends OneCheckpoint {
    }

    @CommandLine.Command(name = "reset", description = "Forget one job's progress, so that it is shipped again"
            + " from its first line when it is followed next (it must not be running: stop the daemon first).")
    static final class StateReset extends OneCheckpoint {
    }

    @CommandLine.Command(name = "version", description = "Print nitelog's version.")
    static final class VersionCommand extends Printing {
    }

    @CommandLine.Command(name = "completion",
            description = "Print a bash completion script: source <(nitelog completion)")
    static final class Completion extends Printing {
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"nitelog " + Version.current()};
        }
    }
}
