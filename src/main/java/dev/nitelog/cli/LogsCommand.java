package dev.nitelog.cli;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.JobNotFoundException;
import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.cli.Command.LogsOptions;
import dev.nitelog.config.ConfigValidator;
import dev.nitelog.config.InvalidConfigException;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.OutputFormat;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.JobCursor;
import dev.nitelog.cursor.Unsent;
import dev.nitelog.bytenite.ByteNiteEndpoints;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.RecordText;
import dev.nitelog.sink.SinkRegistry;
import dev.nitelog.sink.Utf8Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Provider;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * {@code nitelog logs <jobId>}: prints one job's log once, every line de-duplicated and in time
 * order, or with {@code --follow} keeps polling and prints only new lines until the job ended and
 * drained. Following prints a line when it is first seen (each poll's new lines in time order), so
 * a line that arrives late is printed after newer ones rather than held back: no reorder delay. Reads the configured ByteNite (or the demo simulator without a key); never starts the
 * daemon, writes checkpoints or uses the configured sinks.
 */
@ApplicationScoped
public class LogsCommand {
    /** Exit code when ByteNite has no such job or cannot be read. */
    public static final int EXIT_FAILED = 1;
    /** Exit code when stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it). */
    public static final int EXIT_INTERRUPTED = 130;
    /** The pseudo-sink whose cursor remembers what was printed. */
    private static final String PRINTED = "cli";

    private final NitelogConfig config;
    private final SinkRegistry registry;
    private final Provider<ByteNiteApi> api;

    public LogsCommand(NitelogConfig config, SinkRegistry registry, Provider<ByteNiteApi> api) {
        this.config = config;
        this.registry = registry;
        this.api = api;
    }

    /** Prints the log on {@code out}, problems on {@code err}; returns the exit code. */
    public int run(LogsOptions options, PrintStream out, PrintStream err) {
        boolean demo;
        try {
            new ConfigValidator(registry.optionTypes()).validate(config, ConfigProvider.getConfig());
            demo = ByteNiteEndpoints.ApiKey.configured(config.bytenite()).isEmpty();
        } catch (InvalidConfigException | IllegalArgumentException e) {
            err.println("nitelog: " + e.getMessage());
            return ValidateCommand.EXIT_BAD_CONFIG;
        }
        if (demo) {
            err.println("nitelog: DEMO: no ByteNite API key is configured, so this reads the embedded simulator's jobs");
        }
        // Quarkus' shutdown hook waits for this command to return: on Ctrl-C or SIGTERM stop polling
        AtomicBoolean stopped = new AtomicBoolean();
        Thread command = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stopped.set(true);
            command.interrupt();
        }, "nitelog-logs-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            print(options, out, err, stopped);
            return stopped.get() ? EXIT_INTERRUPTED : 0;
        } catch (JobNotFoundException e) {
            err.println("nitelog: ByteNite has no job " + options.jobId() + (demo ? simulatorJobs() : ""));
            return EXIT_FAILED;
        } catch (ByteNiteException | RuntimeException e) {
            if (stopped.get()) {
                return EXIT_INTERRUPTED; // the interrupt cut a request short
            }
            err.println("nitelog: " + (e instanceof ByteNiteException ? e.getMessage() : e.toString()));
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            return EXIT_INTERRUPTED;
        } finally {
            Thread.interrupted(); // not to disturb Quarkus' shutdown on this thread
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook has run
            }
        }
    }

    private void print(LogsOptions options, PrintStream out, PrintStream err, AtomicBoolean stopped)
            throws ByteNiteException, InterruptedException {
        Cursors cursors = Cursors.of(config.dedup(), java.time.Clock.systemUTC());
        JobCursor cursor = cursors.forJob(options.jobId());
        Utf8Buffer buffer = new Utf8Buffer(64 * 1024);
        int drainPolls = config.jobs().drainPolls();
        boolean first = true;
        while (!stopped.get()) {
            // the state before the fetch: a job seen terminal here has all its lines in this fetch or a drain poll
            JobStatus status = api.get().getJob(options.jobId());
            LogFetch fetch = api.get().fetchLogs(status.job(),
                    cursor.skipFloor(List.of(PRINTED)).map(LineFilter::below).orElse(LineFilter.KEEP_ALL));
            List<LogRecord> wanted = fetch.records().stream().filter(r -> wanted(options, r)).toList();
            Unsent unsent = cursor.offer(PRINTED, wanted);
            // --tail limits the first print only; what it skips is committed, so following never prints it
            List<LogRecord> shown = first ? tail(unsent.records(), options) : unsent.records();
            first = false;
            if (unsent.lateBeyondWindow() > 0) {
                err.println("nitelog: " + unsent.lateBeyondWindow() + " lines arrived later than nitelog.dedup.lateness"
                        + " after newer ones and were not printed");
            }
            if (!write(shown, options, buffer, out)) {
                return; // stdout closed by its reader (e.g. head): nothing more to do
            }
            cursors.commit(PRINTED, unsent.records());
            if (!options.follow() || status.phase() == JobPhase.TERMINAL && drainPolls-- <= 0) {
                return;
            }
            Thread.sleep(config.jobs().pollInterval().toMillis());
        }
    }

    private static boolean wanted(LogsOptions options, LogRecord record) {
        return (options.levels().isEmpty() || options.levels().contains(record.level()))
                && (options.services().isEmpty() || options.services().contains(record.service()))
                && options.since().map(since -> !record.timestamp().isBefore(since)).orElse(true);
    }

    /** The last {@code --tail} records (they are in time order), or all of them. */
    private static List<LogRecord> tail(List<LogRecord> records, LogsOptions options) {
        int n = options.tail().orElse(records.size());
        return records.subList(Math.max(0, records.size() - n), records.size());
    }

    /** @return false once stdout is closed */
    private static boolean write(List<LogRecord> records, LogsOptions options, Utf8Buffer buffer, PrintStream out) {
        for (LogRecord record : records) {
            if (options.output() == OutputFormat.JSON) {
                RecordJson.append(record, buffer);
            } else if (options.timestamps()) {
                RecordText.append(record, buffer);
            } else {
                RecordText.appendWithoutTimestamp(record, buffer); // like kubectl logs: --timestamps adds it
            }
            buffer.appendByte('\n');
            if (buffer.size() >= 32 * 1024) {
                flush(buffer, out);
            }
        }
        flush(buffer, out);
        return !out.checkError();
    }

    private static void flush(Utf8Buffer buffer, PrintStream out) {
        try {
            buffer.writeTo(out);
        } catch (IOException e) {
            // PrintStream does not throw; checkError() reports it
        }
        buffer.reset();
        out.flush();
    }

    /** The demo simulator's jobs, so a user can pick one (its job ids are new on every start). */
    private String simulatorJobs() {
        try {
            List<JobStatus> jobs = api.get().listJobs();
            return jobs.isEmpty() ? " (the demo simulator has no jobs yet)"
                    : " (the demo simulator's jobs: " + jobs.stream()
                    .map(j -> j.job().id() + " " + j.job().name()).collect(Collectors.joining(", ")) + ")";
        } catch (ByteNiteException e) {
            return "";
        }
    }
}
