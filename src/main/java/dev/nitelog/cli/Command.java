package dev.nitelog.cli;

import dev.nitelog.metrics.Version;
import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.Level;
import dev.nitelog.record.Service;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command that runs inside Quarkus: {@code run} (the daemon, the default), {@code validate},
 * {@code logs} or {@code state}.
 *
 * @param kind   the command
 * @param config {@code --config FILE}: the config file to read instead of {@code NITELOG_CONFIG}
 * @param logs   the options of {@code logs}; empty for the other commands
 * @param state  what {@code state} is asked to do; empty for the other commands
 * @param settings config keys a flag sets ({@code run --exit-when-done}), above the file and the environment
 */
public record Command(Kind kind, Optional<String> config, Optional<LogsOptions> logs, Optional<StateOptions> state,
                      Map<String, String> settings) implements Parsed {
    public Command {
        settings = Map.copyOf(settings);
    }

    /** {@code run}: the daemon, with the config keys its flags set. */
    public static Command run(Optional<String> config, Map<String, String> settings) {
        return new Command(Kind.RUN, config, Optional.empty(), Optional.empty(), settings);
    }

    /** {@code validate}. */
    public static Command validate(Optional<String> config) {
        return new Command(Kind.VALIDATE, config, Optional.empty(), Optional.empty(), Map.of());
    }

    /** {@code logs JOB}. */
    public static Command logs(Optional<String> config, LogsOptions options) {
        return new Command(Kind.LOGS, config, Optional.of(options), Optional.empty(), Map.of());
    }

    /** {@code state list|show|reset}. */
    public static Command state(Optional<String> config, StateOptions options) {
        return new Command(Kind.STATE, config, Optional.empty(), Optional.of(options), Map.of());
    }

    /** Exit code for a command line nitelog does not understand (sysexits' EX_USAGE). */
    public static final int EXIT_USAGE = 64;

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** The commands. */
    public enum Kind { RUN, VALIDATE, LOGS, STATE }

    /**
     * Options of {@code state}.
     *
     * @param action list, show or reset
     * @param target for show and reset: a job id or a checkpoint file name
     */
    public record StateOptions(StateAction action, Optional<String> target) {
    }

    /** What {@code state} does. */
    public enum StateAction { LIST, SHOW, RESET }

    /**
     * Options of {@code logs}.
     *
     * @param jobId      the job whose log to print
     * @param follow     keep polling until the job ended and drained
     * @param levels     only these levels; empty for all
     * @param services   only these services; empty for all
     * @param output     text lines or canonical JSON
     * @param since      only lines stamped at or after this instant
     * @param tail       print only the last this many lines of the first fetch; empty for all
     * @param timestamps text lines start with the record's timestamp
     */
    public record LogsOptions(String jobId, boolean follow, Set<Level> levels, Set<Service> services,
                              OutputFormat output, Optional<Instant> since, OptionalInt tail, boolean timestamps) {
        public LogsOptions {
            levels = Set.copyOf(levels);
            services = Set.copyOf(services);
        }
    }

    /** The daemon, as when no argument is given. */
    public static Command daemon() {
        return run(Optional.empty(), Map.of());
    }

    /** True for the command that starts the daemon. */
    public boolean startsDaemon() {
        return kind == Kind.RUN;
    }

    /**
     * Parses the command line; {@code clock} is what {@code --since 10m} counts back from.
     *
     * @throws UsageException an unknown command, flag or value, with the usage of the command it was given to
     */
    public static Parsed parse(Clock clock, String... args) throws UsageException {
        CommandLine line = CommandLineSpec.create();
        StringWriter help = new StringWriter();
        line.setOut(new PrintWriter(help, true));
        try {
            ParseResult result = line.parseArgs(args);
            if (CommandLine.printHelpIfRequested(result)) {
                return new Printout(help.toString(), 0);
            }
            return command(line, result.subcommand(), clock);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage(), e.getCommandLine().getUsageMessage());
        }
    }

    private static Parsed command(CommandLine top, ParseResult sub, Clock clock) throws UsageException {
        while (sub != null && sub.subcommand() != null) { // state list: the innermost command decides
            sub = sub.subcommand();
        }
        Object spec = sub == null ? new CommandLineSpec.Run() : sub.commandSpec().userObject();
        if (spec instanceof CommandLineSpec.Run run) {
            return run(Optional.ofNullable(run.config),
                    run.exitWhenDone ? Map.of("nitelog.jobs.exit-when-done", "true") : Map.of());
        } else if (spec instanceof CommandLineSpec.Validate validate) {
            return validate(Optional.ofNullable(validate.config));
        } else if (spec instanceof CommandLineSpec.Logs logs) {
            return logs(Optional.ofNullable(logs.config), logsOptions(logs, sub.commandSpec().commandLine(), clock));
        } else if (spec instanceof CommandLineSpec.StateList list) {
            return state(Optional.ofNullable(list.config), new StateOptions(StateAction.LIST, Optional.empty()));
        } else if (spec instanceof CommandLineSpec.StateShow show) {
            return state(Optional.ofNullable(show.config), new StateOptions(StateAction.SHOW, Optional.of(show.target)));
        } else if (spec instanceof CommandLineSpec.StateReset reset) {
            return state(Optional.ofNullable(reset.config), new StateOptions(StateAction.RESET, Optional.of(reset.target)));
        } else if (spec instanceof CommandLineSpec.State) {
            throw new UsageException("state needs a command: list, show JOB or reset JOB",
                    sub.commandSpec().commandLine().getUsageMessage());
        } else if (spec instanceof CommandLineSpec.Completion) {
            return new Printout(AutoComplete.bash("nitelog", top), 0);
        }
        return new Printout("nitelog " + Version.current() + "\n", 0);
    }

    private static LogsOptions logsOptions(CommandLineSpec.Logs logs, CommandLine line, Clock clock) throws UsageException {
        if (logs.jobId.isBlank()) {
            throw new UsageException("logs needs a job id", line.getUsageMessage());
        }
        if (logs.tail < -1) {
            throw new UsageException("--tail " + logs.tail + " is negative: give a number of lines, or -1 for all",
                    line.getUsageMessage());
        }
        Optional<Instant> since = Optional.empty();
        if (logs.since != null) {
            since = Optional.of(since(logs.since, clock).orElseThrow(() -> new UsageException("--since " + logs.since
                    + " is neither a duration (10m, 1h30m) nor an RFC3339 time (2026-01-02T03:04:05Z)", line.getUsageMessage())));
        }
        return new LogsOptions(logs.jobId, logs.follow, logs.levels, logs.services, logs.output, since,
                logs.tail < 0 ? OptionalInt.empty() : OptionalInt.of(logs.tail), logs.timestamps);
    }

    /** A duration back from now ({@code 1h30m}, as kubectl and Go write them) or an RFC3339 time. */
    static Optional<Instant> since(String value, Clock clock) {
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return duration(value).map(d -> clock.instant().minus(d));
            } catch (ArithmeticException | NumberFormatException | DateTimeException tooLong) {
                return Optional.empty();
            }
        }
    }

    private static Optional<Duration> duration(String value) {
        Matcher part = DURATION_PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.lookingAt()) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = part.end();
            part.region(end, value.length());
        }
        return end == value.length() && end > 0 ? Optional.of(total) : Optional.empty();
    }
}
