package dev.nitelog.cli;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.Level;
import dev.nitelog.record.Service;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the command line asks for: {@code run} (the daemon, the default), {@code validate},
 * {@code logs} or {@code version}.
 *
 * @param kind   the command
 * @param config {@code --config FILE}: the config file to read instead of {@code NITELOG_CONFIG}
 * @param logs   the options of {@code logs}; null for the other commands
 */
public record Command(Kind kind, Optional<String> config, LogsOptions logs) {
    /** Exit code for a command line nitelog does not understand (sysexits' EX_USAGE). */
    public static final int EXIT_USAGE = 64;

    /** The command line help, printed on stderr with a usage error. */
    public static final String USAGE = """
            usage: nitelog [command]
              run                      follow jobs and ship their logs to the sinks (the default)
              validate [--config FILE] check the configuration and exit: 0 when OK, 2 naming the problem
              logs <jobId> [--follow] [--level LEVEL]... [--service SERVICE]... [--output text|json] [--config FILE]
                                       print one job's log once (or follow it until the job ends)
              version                  print nitelog's version
            """;

    /** The commands. */
    public enum Kind { RUN, VALIDATE, LOGS, VERSION }

    /**
     * Options of {@code logs}.
     *
     * @param jobId    the job whose log to print
     * @param follow   keep polling until the job ended and drained
     * @param levels   only these levels; empty for all
     * @param services only these services; empty for all
     * @param output   text lines or canonical JSON
     */
    public record LogsOptions(String jobId, boolean follow, Set<Level> levels, Set<Service> services,
                              OutputFormat output) {
        public LogsOptions {
            levels = Set.copyOf(levels);
            services = Set.copyOf(services);
        }
    }

    /** The daemon, as when no argument is given. */
    public static Command daemon() {
        return new Command(Kind.RUN, Optional.empty(), null);
    }

    /** True for the command that starts the daemon. */
    public boolean startsDaemon() {
        return kind == Kind.RUN;
    }

    /** @throws UsageException an unknown command, flag or value */
    public static Command parse(String... args) throws UsageException {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        String name = rest.isEmpty() ? "run" : rest.pop();
        return switch (name) {
            case "run" -> new Command(Kind.RUN, configOnly(rest), null);
            case "validate" -> new Command(Kind.VALIDATE, configOnly(rest), null);
            case "version" -> {
                none(rest);
                yield new Command(Kind.VERSION, Optional.empty(), null);
            }
            case "logs" -> logs(rest);
            default -> throw new UsageException("unknown command " + name);
        };
    }

    private static Optional<String> configOnly(Deque<String> args) throws UsageException {
        Optional<String> config = Optional.empty();
        while (!args.isEmpty()) {
            String arg = args.pop();
            if (!arg.equals("--config")) {
                throw new UsageException("unknown argument " + arg);
            }
            config = Optional.of(value(arg, args));
        }
        return config;
    }

    private static void none(Deque<String> args) throws UsageException {
        if (!args.isEmpty()) {
            throw new UsageException("unknown argument " + args.peek());
        }
    }

    private static Command logs(Deque<String> args) throws UsageException {
        String jobId = null;
        boolean follow = false;
        Optional<String> config = Optional.empty();
        Set<Level> levels = EnumSet.noneOf(Level.class);
        Set<Service> services = EnumSet.noneOf(Service.class);
        OutputFormat output = OutputFormat.TEXT;
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--follow", "-f" -> follow = true;
                case "--config" -> config = Optional.of(value(arg, args));
                case "--level" -> levels.addAll(each(value(arg, args), Level.class, "--level"));
                case "--service" -> services.addAll(each(value(arg, args), Service.class, "--service"));
                case "--output", "-o" -> output = one(value(arg, args), OutputFormat.class, arg);
                default -> {
                    if (arg.startsWith("-") || jobId != null) {
                        throw new UsageException("unknown argument " + arg);
                    }
                    jobId = arg;
                }
            }
        }
        if (jobId == null || jobId.isBlank()) {
            throw new UsageException("logs needs a job id");
        }
        return new Command(Kind.LOGS, config, new LogsOptions(jobId, follow, levels, services, output));
    }

    private static String value(String flag, Deque<String> args) throws UsageException {
        if (args.isEmpty() || args.peek().startsWith("--")) {
            throw new UsageException(flag + " needs a value");
        }
        return args.pop();
    }

    /** Accepts repeated flags and comma-separated values alike, in any case. */
    private static <E extends Enum<E>> Set<E> each(String values, Class<E> type, String flag) throws UsageException {
        Set<E> parsed = EnumSet.noneOf(type);
        for (String value : values.split(",")) {
            parsed.add(one(value.strip(), type, flag));
        }
        return parsed;
    }

    private static <E extends Enum<E>> E one(String value, Class<E> type, String flag) throws UsageException {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + " " + value + " is not one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }
}
