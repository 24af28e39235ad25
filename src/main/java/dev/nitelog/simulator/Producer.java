package dev.nitelog.simulator;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The production clock: every tick, each running generated job gets its share of
 * {@code linesPerSecond} and plays that many steps of its script. The tick is scheduled only
 * while some generated job is running and production is not paused, so an idle simulator costs
 * no CPU.
 */
final class Producer {

    private static final int[] MIXED_DIGITS = {0, 3, 6, 9};

    private final SimulatorOptions options;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final List<SimJob> running = new CopyOnWriteArrayList<>();
    private final double linesPerTick;
    private ScheduledFuture<?> ticking;
    private boolean paused;

    Producer(SimulatorOptions options, Clock clock, ScheduledExecutorService scheduler) {
        this.options = options;
        this.clock = clock;
        this.scheduler = scheduler;
        this.linesPerTick = options.linesPerSecond() * options.tick().toNanos() / 1e9;
    }

    synchronized void start(SimJob job) {
        running.add(job);
        ensureTicking();
    }

    synchronized void pause() {
        paused = true;
        stopTicking();
    }

    synchronized void resume() {
        paused = false;
        ensureTicking();
    }

    /** One clock tick; never throws, so the schedule survives a bug in one step. */
    void tick() {
        try {
            tickOnce();
        } catch (RuntimeException e) {
            System.getLogger(Producer.class.getName()).log(System.Logger.Level.ERROR, "simulator tick failed", e);
        }
    }

    private synchronized void tickOnce() {
        if (paused) {
            return;
        }
        Instant now = clock.instant();
        for (SimJob job : running) {
            if (!play(job, now)) {
                running.remove(job);
            }
        }
        if (running.isEmpty()) {
            stopTicking();
        }
    }

    /** Plays the job's due steps; false once the job has nothing more to do. */
    private boolean play(SimJob job, Instant now) {
        if (job.isTerminal()) {
            return false;
        }
        job.budget += linesPerTick;
        while (job.budget >= 1) {
            JobScript.Step step = job.script.next();
            if (step == null) {
                return false;
            }
            if (step instanceof JobScript.Transition t) {
                job.transition(t.state(), now, t.error());
                job.budget -= 1;
            } else {
                List<JobScript.Draft> drafts = ((JobScript.Emit) step).drafts();
                emit(job, drafts, now);
                job.budget -= drafts.size();
            }
            if (job.isTerminal()) {
                return false;
            }
        }
        return true;
    }

    private void emit(SimJob job, List<JobScript.Draft> drafts, Instant now) {
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long visible = now.toEpochMilli();
        Line previous = null;
        for (JobScript.Draft d : drafts) {
            int stream = d.task() < 0 ? job.log.stream(d.service())
                    : job.log.stream(LogService.TASKRUNNER, job.script.taskIds().get(d.task()));
            Line line;
            if (d.stamp() == JobScript.Stamp.SAME && previous != null) {
                line = new Line(stream, previous.epochSecond(), previous.nanos(), previous.timestamp(), d.level(),
                        d.container(), d.message(), visible);
            } else {
                line = stamped(job, d, stream, nowNanos, visible);
            }
            job.log.add(line);
            previous = line;
        }
    }

    private Line stamped(SimJob job, JobScript.Draft d, int stream, long nowNanos, long visible) {
        // Loki stamps in nanoseconds: keep the sub-microsecond digits nonzero.
        long subMicro = 1 + job.stamps.nextInt(999);
        long raw;
        if (d.stamp() == JobScript.Stamp.LATE) {
            long floor = job.createdAt.getEpochSecond() * 1_000_000_000L + job.createdAt.getNano();
            raw = Math.max(floor, job.newestNanos - d.lateMillis() * 1_000_000L);
            raw = raw - raw % 1_000 + subMicro;
        } else {
            raw = Math.max(nowNanos, job.newestNanos + 1_000);
            raw = raw - raw % 1_000 + subMicro;
            job.newestNanos = raw;
        }
        int digits = options.timestamps() == SimulatorOptions.TimestampPrecision.MIXED
                ? MIXED_DIGITS[job.stamps.nextInt(MIXED_DIGITS.length)] : options.timestamps().digits();
        long second = Math.floorDiv(raw, 1_000_000_000L);
        int nanos = Timestamps.truncateNanos((int) Math.floorMod(raw, 1_000_000_000L), digits);
        return new Line(stream, second, nanos, Timestamps.format(second, nanos, digits), d.level(), d.container(),
                d.message(), visible);
    }

    private void ensureTicking() {
        if (ticking == null && !paused && !running.isEmpty()) {
            long period = options.tick().toNanos();
            ticking = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
        }
    }

    private void stopTicking() {
        if (ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }
}
