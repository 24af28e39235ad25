package dev.nitelog.simulator;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The life of one generated job as a sequence of steps: state transitions and groups of lines,
 * in the shape ByteNite writes them (API.md 3): partitioner first, then the task runners
 * interleaved, then the assembler. Everything is drawn from the job's own {@link Random}, so the
 * sequence depends on the seed alone, never on when the clock ticks.
 */
final class JobScript {

    /** One step of the job's life. */
    sealed interface Step permits Transition, Emit {
    }

    /** The job moves to {@code state}; {@code error} is the errorMessage of a failure. */
    record Transition(String state, String error) implements Step {
        /** A move that is no failure. */
        Transition(String state) {
            this(state, SimJob.NO_ERROR);
        }
    }

    /** Lines made visible together. */
    record Emit(List<Draft> drafts) implements Step {
    }

    /** How a line is stamped: now, exactly like the previous line of its group, or in the past. */
    enum Stamp { NOW, SAME, LATE }

    /** A line before it gets its timestamp. {@code task} indexes {@link #taskIds()}, -1 if none. */
    record Draft(LogService service, int task, String container, String level, String message, Stamp stamp,
                 long lateMillis) {
    }

    static final String MAIN = "main";
    static final String APP = "";
    private static final int PREAMBLE = 7;
    private static final String[] NON_ASCII = {
        "Größe ✓ 画像 🚀 erzeugt: %d",
        "Datei gespeichert: /data/ausgabe_Überblick_%d.png (naïve café)",
        "Привет, задача %d: обработка завершена",
        "画像を生成しました %d 枚目 ✨",
        "emoji stream 🚀🔥✅ step %d — done",
    };

    private final Random random;
    private final List<String> taskIds;
    private final String appName;
    private final int bodyPerTask;
    private final boolean fails;
    private final int failTask;
    private final int failAfter;
    private final int[] stage;
    private final int[] body;
    private final ArrayDeque<Step> queue = new ArrayDeque<>();
    private int phase;

    JobScript(Random random, List<String> taskIds, String appName, int linesPerJob, boolean fails) {
        this.random = random;
        this.taskIds = List.copyOf(taskIds);
        this.appName = appName;
        int tasks = taskIds.size();
        this.bodyPerTask = Math.max(2, (linesPerJob - (8 + (PREAMBLE + 2 + 1) * tasks)) / tasks);
        this.fails = fails;
        this.failTask = random.nextInt(tasks);
        this.failAfter = bodyPerTask / 2;
        this.stage = new int[tasks];
        this.body = new int[tasks];
    }

    List<String> taskIds() {
        return taskIds;
    }

    boolean fails() {
        return fails;
    }

    /** The next step, or null when the job's life is over. */
    Step next() {
        if (queue.isEmpty()) {
            refill();
        }
        return queue.poll();
    }

    private void refill() {
        switch (phase) {
            case 0 -> partition();
            case 1 -> runTasks();
            case 2 -> assemble();
            default -> { }
        }
    }

    private void partition() {
        int tasks = taskIds.size();
        queue.add(new Transition(JobStates.STARTED));
        queue.add(new Transition(JobStates.UPLOADING));
        queue.add(one(LogService.PARTITIONER, -1, APP, "UNKNOWN", "Partitioner task started"));
        queue.add(one(LogService.PARTITIONER, -1, APP, "UNKNOWN", "Reading input from data source: bypass"));
        queue.add(new Transition(JobStates.PARTITIONING));
        queue.add(one(LogService.PARTITIONER, -1, APP, "UNKNOWN",
                "Creating " + tasks + " chunks (num_replicas=" + tasks + ")"));
        for (int i = 0; i < tasks; i++) {
            queue.add(one(LogService.PARTITIONER, -1, APP, "UNKNOWN",
                    "Chunk " + (i + 1) + "/" + tasks + " uploaded for task " + taskIds.get(i)));
        }
        queue.add(one(LogService.PARTITIONER, -1, APP, "UNKNOWN", "Partitioner task completed"));
        queue.add(new Transition(JobStates.PARTITIONED));
        phase = 1;
    }

    private void runTasks() {
        int remaining = 0;
        for (int t = 0; t < stage.length; t++) {
            if (stage[t] >= 0) {
                remaining++;
            }
        }
        if (remaining == 0) {
            phase = 2;
            refill();
            return;
        }
        int pick = random.nextInt(remaining);
        for (int t = 0; t < stage.length; t++) {
            if (stage[t] >= 0 && pick-- == 0) {
                taskStep(t);
                return;
            }
        }
    }

    private void taskStep(int t) {
        if (stage[t] < PREAMBLE) {
            queue.add(preamble(t, stage[t]++));
        } else if (fails && t == failTask && body[t] >= failAfter) {
            failTask(t);
        } else if (body[t] < bodyPerTask) {
            Emit emit = bodyLine(t);
            body[t] += emit.drafts().size();
            queue.add(emit);
        } else {
            queue.add(one(LogService.TASKRUNNER, t, APP, "UNKNOWN", "Task completed: " + body[t] + " items processed"));
            queue.add(one(LogService.TASKRUNNER, t, MAIN, "INFO", "container exited with code 0"));
            stage[t] = -1;
        }
    }

    private Step preamble(int t, int step) {
        return switch (step) {
            case 0 -> one(LogService.TASKRUNNER, t, MAIN, "DEBUG", "task data downloaded");
            case 1 -> one(LogService.TASKRUNNER, t, MAIN, "INFO", "image available");
            case 2 -> one(LogService.TASKRUNNER, t, MAIN, "DEBUG", "gpus requested");
            case 3 -> one(LogService.TASKRUNNER, t, MAIN, "INFO", "Docker container is starting for the task");
            case 4 -> one(LogService.TASKRUNNER, t, MAIN, "INFO", "container started");
            case 5 -> one(LogService.TASKRUNNER, t, APP, "UNKNOWN", "Python task started");
            default -> one(LogService.TASKRUNNER, t, APP, "UNKNOWN", "Available CPU cores: 16");
        };
    }

    private void failTask(int t) {
        queue.add(new Emit(List.of(
                draft(t, APP, "UNKNOWN", traceback("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB"),
                        Stamp.NOW),
                draft(t, MAIN, "ERROR", "container exited with non-zero exit code 1", Stamp.NOW))));
        queue.add(new Transition(JobStates.FAILED,
                "task " + taskIds.get(t) + " failed: exit code 1 (RuntimeError: CUDA out of memory)"));
        phase = 3;
    }

    private Emit bodyLine(int t) {
        int n = body[t] + 1;
        int roll = random.nextInt(100);
        if (roll < 40) {
            return new Emit(List.of(draft(t, APP, "UNKNOWN", "Processing item " + n + "/" + bodyPerTask, Stamp.NOW)));
        }
        if (roll < 48) {
            return new Emit(List.of(draft(t, MAIN, "DEBUG", "resource usage: cpu=" + random.nextInt(100)
                    + "% mem=" + (512 + random.nextInt(8000)) + "MiB gpu=" + random.nextInt(100) + "%", Stamp.NOW)));
        }
        if (roll < 56) {
            return new Emit(List.of(draft(t, APP, "UNKNOWN", tqdm(10 + random.nextInt(150)), Stamp.NOW)));
        }
        if (roll < 64) {
            // Distinct lines sharing timestamp and container: both must survive de-duplication.
            return new Emit(List.of(draft(t, APP, "UNKNOWN", "batch " + n + " loaded", Stamp.NOW),
                    draft(t, APP, "UNKNOWN", "batch " + n + " queued", Stamp.SAME)));
        }
        if (roll < 70) {
            // An exact repeat: same timestamp, container, level and text, served twice.
            String msg = "Retrying connection to object storage";
            return new Emit(List.of(draft(t, MAIN, "INFO", msg, Stamp.NOW), draft(t, MAIN, "INFO", msg, Stamp.SAME)));
        }
        if (roll < 76) {
            long late = 1_000 + random.nextInt(29_000);
            return new Emit(List.of(new Draft(LogService.TASKRUNNER, t, APP, "UNKNOWN",
                    "delayed flush: chunk " + n + " checksum ok", Stamp.LATE, late)));
        }
        if (roll < 81) {
            String text = String.format(Locale.ROOT, NON_ASCII[random.nextInt(NON_ASCII.length)], n);
            return new Emit(List.of(draft(t, APP, "UNKNOWN", text, Stamp.NOW)));
        }
        if (roll < 84) {
            return new Emit(List.of(draft(t, APP, "UNKNOWN", bigLine(2_048 + random.nextInt(6_144)), Stamp.NOW)));
        }
        if (roll < 90) {
            return new Emit(List.of(random.nextBoolean()
                    ? draft(t, MAIN, "WARN", "task memory usage at " + (85 + random.nextInt(14)) + "% of limit", Stamp.NOW)
                    : draft(t, APP, "UNKNOWN", "/usr/local/lib/python3.11/site-packages/torch/cuda/__init__.py:"
                        + "52: UserWarning: TF32 is disabled; set \"torch.backends.cuda.matmul.allow_tf32\"",
                        Stamp.NOW)));
        }
        if (roll < 93) {
            return new Emit(List.of(draft(t, MAIN, "ERROR",
                    "error downloading chunk " + n + ": connection reset by peer; retrying", Stamp.NOW)));
        }
        if (roll < 96) {
            return new Emit(List.of(draft(t, APP, "UNKNOWN",
                    traceback("ValueError: could not decode item " + n + " from C:\\data\\in\t(tab)"), Stamp.NOW)));
        }
        return new Emit(List.of(draft(t, APP, "UNKNOWN", "Saved " + appName + " output out_" + n + ".png", Stamp.NOW)));
    }

    private String tqdm(int updates) {
        StringBuilder sb = new StringBuilder(updates * 60);
        for (int i = 0; i <= updates; i++) {
            int pct = i * 100 / updates;
            int filled = pct / 10;
            if (i > 0) {
                sb.append('\r');
            }
            sb.append(String.format(Locale.ROOT, "%3d%%|%s%s| %d/%d [00:%02d<00:%02d, %d.%02dit/s]", pct, "█".repeat(filled),
                    " ".repeat(10 - filled), i, updates, i % 60, (updates - i) % 60, 5 + random.nextInt(20),
                    random.nextInt(100)));
        }
        return sb.toString();
    }

    private String bigLine(int bytes) {
        StringBuilder sb = new StringBuilder(bytes + 64).append("model config: {");
        int i = 0;
        while (sb.length() < bytes) {
            sb.append("\"layer_").append(i++).append("\": {\"dim\": ").append(64 << random.nextInt(5))
                    .append(", \"dropout\": 0.").append(random.nextInt(10)).append("}, ");
        }
        return sb.append("\"end\": true}").toString();
    }

    private String traceback(String error) {
        return "Traceback (most recent call last):\n"
                + "  File \"/app/main.py\", line " + (20 + random.nextInt(80)) + ", in <module>\n"
                + "    main()\n"
                + "  File \"/app/main.py\", line " + (100 + random.nextInt(80)) + ", in main\n"
                + "    result = process(item)\n"
                + error;
    }

    private Emit one(LogService service, int task, String container, String level, String message) {
        return new Emit(List.of(new Draft(service, task, container, level, message, Stamp.NOW, 0)));
    }

    private Draft draft(int task, String container, String level, String message, Stamp stamp) {
        return new Draft(LogService.TASKRUNNER, task, container, level, message, stamp, 0);
    }

    private void assemble() {
        int tasks = taskIds.size();
        queue.add(new Transition(JobStates.TASKS_COMPLETED));
        queue.add(new Transition(JobStates.MERGING));
        queue.add(one(LogService.ASSEMBLER, -1, APP, "UNKNOWN", "Assembler task started"));
        queue.add(one(LogService.ASSEMBLER, -1, APP, "UNKNOWN", "Collecting results from " + tasks + " tasks"));
        queue.add(one(LogService.ASSEMBLER, -1, APP, "UNKNOWN", "Writing output to bucket: out_0/"));
        queue.add(one(LogService.ASSEMBLER, -1, APP, "UNKNOWN", "Assembler task completed"));
        queue.add(new Transition(JobStates.MERGED));
        queue.add(new Transition(JobStates.DOWNLOADING));
        queue.add(new Transition(JobStates.COMPLETE));
        phase = 3;
    }
}
