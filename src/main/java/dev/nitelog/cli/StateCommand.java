package dev.nitelog.cli;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.cursor.CheckpointStoreException;
import dev.nitelog.cursor.FileCheckpointStore;
import dev.nitelog.cursor.FileCheckpointStore.Stored;
import dev.nitelog.cursor.JobSnapshot;
import dev.nitelog.cursor.StateDirLock;
import dev.nitelog.cursor.WindowSnapshot;
import dev.nitelog.record.StreamKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code nitelog state list|show|reset}: an operator's view of the checkpoints under
 * {@code nitelog.state.dir}, and the one way to make nitelog ship a job again from its start.
 * list and show only read (the daemon may be running); reset takes the state directory's lock,
 * so it refuses while a daemon uses the directory.
 */
@ApplicationScoped
public class StateCommand {
    /** Exit code when the job or file named is not in the state directory, or reset is refused. */
    public static final int EXIT_FAILED = 1;

    private final Path stateDir;

    @Inject // two constructors: this one is CDI's
    public StateCommand(NitelogConfig config) {
        this(Path.of(config.state().dir()));
    }

    StateCommand(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Runs the action, printing to {@code out} (and problems to {@code err}); returns the exit code. */
    public int run(Command.StateOptions options, PrintStream out, PrintStream err) {
        try {
            return switch (options.action()) {
                case LIST -> list(out);
                case SHOW -> show(options.target().orElseThrow(), out, err);
                case RESET -> reset(options.target().orElseThrow(), out, err);
            };
        } catch (IOException | CheckpointStoreException e) {
            err.println("nitelog: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private List<Stored> stored() throws IOException {
        Path jobs = stateDir.resolve("jobs");
        return Files.isDirectory(jobs, LinkOption.NOFOLLOW_LINKS) ? FileCheckpointStore.read(jobs) : List.of();
    }

    private int list(PrintStream out) throws IOException {
        List<Stored> all = stored();
        out.printf("%-40s %-34s %-20s %-32s %s%n", "JOB", "STATE", "SINKS", "NEWEST LINE SHIPPED", "FILE");
        for (Stored stored : all) {
            JobSnapshot job = stored.job();
            if (job == null) {
                out.printf("%-40s %-34s %-20s %-32s %s%n", "?", "UNREADABLE", "-", "-",
                        stored.file().getFileName() + "  (" + stored.problem() + ")");
                continue;
            }
            out.printf("%-40s %-34s %-20s %-32s %s%n", job.jobId(), state(stored), String.join(",", sinks(job)),
                    newest(job).map(Instant::toString).orElse("-"), stored.file().getFileName());
        }
        out.println(all.size() + (all.size() == 1 ? " job" : " jobs") + " in " + stateDir.toAbsolutePath());
        return 0;
    }

    private int show(String target, PrintStream out, PrintStream err) throws IOException {
        Optional<Stored> found = find(target);
        if (found.isEmpty()) {
            return notFound(target, err);
        }
        Stored stored = found.get();
        out.println("file:   " + stored.file());
        if (stored.job() == null) {
            out.println("state:  UNREADABLE: " + stored.problem());
            return 0;
        }
        JobSnapshot job = stored.job();
        out.println("job:    " + job.jobId());
        out.println("state:  " + state(stored));
        if (stored.fromPrevious()) {
            out.println("note:   " + stored.problem());
        }
        out.printf("%-16s %-12s %-40s %-12s %-32s %s%n", "SINK", "SERVICE", "TASK", "CONTAINER", "NEWEST LINE SHIPPED",
                "IDS HELD");
        for (Map.Entry<String, Map<StreamKey, WindowSnapshot>> sink : new TreeMap<>(job.streams()).entrySet()) {
            for (Map.Entry<StreamKey, WindowSnapshot> stream : sink.getValue().entrySet()) {
                StreamKey key = stream.getKey();
                out.printf("%-16s %-12s %-40s %-12s %-32s %d%n", sink.getKey(), key.service().jsonName(),
                        key.taskId() == null ? "-" : key.taskId(), key.container().isEmpty() ? "-" : key.container(),
                        highWater(stream.getValue()), stream.getValue().size());
            }
        }
        for (Map.Entry<String, WindowSnapshot> sink : new TreeMap<>(job.sinks()).entrySet()) {
            out.printf("%-16s %-12s %-40s %-12s %-32s %d%n", sink.getKey(), "(any)", "(format 1 cursor)", "-",
                    highWater(sink.getValue()), sink.getValue().size());
        }
        return 0;
    }

    private int reset(String target, PrintStream out, PrintStream err) throws IOException {
        try (StateDirLock lock = StateDirLock.acquire(stateDir)) { // no daemon may write the file meanwhile
            Optional<Stored> found = find(target);
            if (found.isEmpty()) {
                return notFound(target, err);
            }
            Path file = found.get().file();
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".prev"));
            String job = found.get().job() == null ? "the job of " + file.getFileName() : "job " + found.get().job().jobId();
            out.println("nitelog: reset " + job + ": its progress is forgotten, and it is shipped again from its first"
                    + " line when nitelog next follows it (it runs, it is named in jobs.ids, or it ended within jobs.backfill)");
            return 0;
        }
    }

    /** By job id, else by checkpoint file name (which is all an unreadable checkpoint has). */
    private Optional<Stored> find(String target) throws IOException {
        List<Stored> all = stored();
        String byId = FileCheckpointStore.fileName(target);
        for (Stored stored : all) {
            String name = stored.file().getFileName().toString();
            if (stored.job() != null && stored.job().jobId().equals(target) || name.equals(target) || name.equals(byId)) {
                return Optional.of(stored);
            }
        }
        return Optional.empty();
    }

    private int notFound(String target, PrintStream err) {
        err.println("nitelog: no job " + target + " in " + stateDir.toAbsolutePath().resolve("jobs")
                + ": `nitelog state list` shows the jobs and files there");
        return EXIT_FAILED;
    }

    private static String state(Stored stored) {
        String state = stored.job().retiredAt() == null ? "live" : "retired " + stored.job().retiredAt();
        return stored.fromPrevious() ? state + " (previous copy)" : state;
    }

    private static List<String> sinks(JobSnapshot job) {
        TreeMap<String, Boolean> names = new TreeMap<>();
        job.streams().keySet().forEach(name -> names.put(name, true));
        job.sinks().keySet().forEach(name -> names.put(name, true));
        return List.copyOf(names.keySet());
    }

    private static Optional<Instant> newest(JobSnapshot job) {
        Instant newest = null;
        for (Map<StreamKey, WindowSnapshot> streams : job.streams().values()) {
            for (WindowSnapshot window : streams.values()) {
                newest = later(newest, window.highWater());
            }
        }
        for (WindowSnapshot window : job.sinks().values()) {
            newest = later(newest, window.highWater());
        }
        return Optional.ofNullable(newest);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static String highWater(WindowSnapshot window) {
        Instant at = window.highWater();
        return at == null ? "-" : at.toString();
    }
}
