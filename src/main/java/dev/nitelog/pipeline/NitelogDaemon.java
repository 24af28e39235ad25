package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.cursor.BootId;
import dev.nitelog.cursor.CheckpointStore;
import dev.nitelog.cursor.CommitJournal;
import dev.nitelog.cursor.CursorSnapshot;
import dev.nitelog.cursor.FileCheckpointStore;
import dev.nitelog.cursor.StateDirLock;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Spool;
import dev.nitelog.jobs.JobLifecycle;
import dev.nitelog.jobs.Drain;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.DeadLetterFile;
import dev.nitelog.sink.DeadLetters;
import dev.nitelog.sink.DeliveryListener;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkRegistry;
import dev.nitelog.sink.SinkWorker;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * The running pipeline: cursors restored from disk, one worker per sink, the job tracker, and the
 * bounded pool that polls jobs. {@link PollScheduler} drives it; {@link Lifecycle} starts and stops it.
 */
public final class NitelogDaemon implements DeliveryListener {
    private static final Logger LOG = Logger.getLogger(NitelogDaemon.class);

    private final NitelogConfig config;
    private final Clock clock;
    private final PipelineMetrics metrics;
    private final Cursors cursors;
    private final Spool spool;
    private final CheckpointStore store;
    private final CommitJournal journal;
    private final StateDirLock stateLock;
    private final JobTracker tracker;
    private final List<SinkWorker> workers = new ArrayList<>();
    private final JobDiscovery discovery;
    private final JobPoller poller;
    private final PollDispatcher polls;
    private final ExecutorService discoveryThread;
    private volatile Instant nextDiscovery = Instant.MIN;
    private volatile Instant nextQuickDiscovery = Instant.MIN;
    private volatile boolean discoveryRunning;
    private volatile boolean stopping;
    private boolean exitRequested; // the tick thread's own
    private volatile Instant lastTick = Instant.now();
    private volatile boolean checkpointFailing;

    NitelogDaemon(NitelogConfig config, ByteNiteApi api, SinkRegistry registry, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.metrics = new PipelineMetrics(meters);
        // first: a second daemon on this directory stops here, before it loads (and cleans) anything
        this.stateLock = StateDirLock.acquire(Path.of(config.state().dir()));
        try {
            this.store = FileCheckpointStore.open(Path.of(config.state().dir()));
            this.cursors = Cursors.of(config.dedup(), clock);
            cursors.restore(loadCheckpoints(store));
        } catch (RuntimeException e) {
            stateLock.close();
            throw e;
        }
        this.tracker = new JobTracker(config.jobs().pollInterval(), config.jobs().effectivePollIntervalMax(),
                new Drain(config.jobs().drainPolls(), config.jobs().drainPeriod().orElse(config.dedup().lateness())),
                cursors::isRetired, RandomGenerator.getDefault());
        DeadLetterFile deadLetters = new DeadLetterFile(Path.of(config.state().dir(), "dead-letters"), clock,
                config.deadLetter().maxBytes().asLongValue());
        Map<String, Sink> sinks = registry.create(config.sinks());
        this.journal = CommitJournal.open(Path.of(config.state().dir()), BootId.current(), List.copyOf(sinks.keySet()),
                clock);
        replayJournal(sinks);
        for (Map.Entry<String, Sink> sink : sinks.entrySet()) {
            String name = sink.getKey();
            DeadLetters counted = countingDeadLetters(name, deadLetters.forSink(name));
            workers.add(new SinkWorker(sink.getValue(), config.sinks().get(name), counted, this, clock,
                    config.state().flushInterval()).start());
        }
        this.discovery = new JobDiscovery(api, tracker, config.jobs().discover(),
                config.jobs().ids().orElse(List.of()), config.jobs().backfill(), cursors::knows, cursors::revive, clock);
        this.spool = Spool.open(Path.of(config.state().dir()), config.spool().maxBytes().asLongValue());
        metrics.watchSpool(spool);
        this.poller = new JobPoller(api, tracker, cursors, spool, workers, metrics, clock,
                config.spool().reorderBuffer().asLongValue());
        this.polls = new PollDispatcher(tracker, config.jobs().maxConcurrentPolls(), poller::poll, clock,
                named("nitelog-poll-"));
        this.discoveryThread = Executors.newSingleThreadExecutor(named("nitelog-discovery-"));
        metrics.watch(tracker, workers, cursors, clock);
        checkpoint(); // what the journal added is saved, and the journal's old segments go
    }

    /** Counts as delivered what earlier runs wrote and the journal vouches for (see {@link JournalReplay}). */
    private void replayJournal(Map<String, Sink> sinks) {
        int records = new JournalReplay(sinks, cursors).apply(journal.recovered());
        if (records > 0) {
            LOG.infof("The commit journal showed %d lines written by the previous run after its last checkpoint:"
                    + " they are not shipped again", records);
        }
    }

    private static CursorSnapshot loadCheckpoints(CheckpointStore store) {
        try {
            return store.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints: " + e.getMessage(), e);
        }
    }

    private DeadLetters countingDeadLetters(String sink, DeadLetters file) {
        return (record, reason) -> {
            file.reject(record, reason);
            metrics.deadLettered(sink);
        };
    }

    /** Runs one discovery round on its own thread; one at a time. */
    private void discover(Runnable round) {
        discoveryRunning = true;
        discoveryThread.execute(() -> {
            try {
                round.run();
            } catch (RuntimeException e) { // a bug, not the API: the next round tries again
                LOG.errorf(e, "Job discovery failed unexpectedly; the next round tries again");
            } finally {
                discoveryRunning = false;
            }
        });
    }

    /** One scheduler tick: refresh the job list when due, start polls of due jobs within the cap. */
    void tick() {
        lastTick = clock.instant();
        if (stopping) {
            return;
        }
        Instant now = clock.instant();
        if (!discoveryRunning && !now.isBefore(nextDiscovery)) {
            nextDiscovery = now.plus(config.jobs().discoveryInterval());
            nextQuickDiscovery = now.plus(config.jobs().pollInterval());
            discover(discovery::discover);
        } else if (!discoveryRunning && !now.isBefore(nextQuickDiscovery)) {
            nextQuickDiscovery = now.plus(config.jobs().pollInterval());
            discover(discovery::discoverNewest);
        }
        polls.startDue(); // a poll that ends starts the next due ones itself; the tick starts those that came due
        exitWhenDone();
    }

    /**
     * With {@code jobs.exit-when-done}: once every followed job is done (terminal, drained, every
     * sink confirmed all of it), nitelog exits 0, saving its cursors on the way out as on SIGTERM.
     */
    private void exitWhenDone() {
        if (!config.jobs().exitWhenDone() || exitRequested) {
            return;
        }
        Map<JobLifecycle, Integer> counts = tracker.countsByLifecycle();
        int followed = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (followed > 0 && counts.get(JobLifecycle.DONE) == followed) {
            exitRequested = true;
            LOG.infof("Every followed job is done and confirmed by every sink (%d jobs):"
                    + " exiting, as nitelog.jobs.exit-when-done asks", followed);
            io.quarkus.runtime.Quarkus.asyncExit(0);
        }
    }

    /** Persists committed cursors (debounced by the scheduler) and purges expired tombstones. */
    void checkpoint() {
        CommitJournal.Rotation rotation = journal.rotate(); // before the snapshot: what it covers may go once saved
        if (cursors.version() == store.savedVersion()) {
            journal.release(rotation);
            return;
        }
        try {
            store.save(cursors.snapshotCommitted(store.savedVersion()));
            journal.release(rotation);
            metrics.checkpointed(true);
            if (checkpointFailing) {
                LOG.info("Saving checkpoints works again");
                checkpointFailing = false;
            }
        } catch (IOException | RuntimeException e) {
            metrics.checkpointed(false);
            if (!checkpointFailing) {
                LOG.warnf("Saving checkpoints failed, will retry every flush interval: %s", e.getMessage());
                checkpointFailing = true;
            }
        }
    }

    void purgeTombstones() {
        Instant cutoff = clock.instant().minus(config.jobs().retention());
        if (cursors.purgeRetiredBefore(cutoff) > 0) {
            tracker.forgetDoneUnless(cursors::knows);
        }
    }

    @Override
    public void handedOff(String sink, List<LogRecord> records) {
        journal.written(sink, records);
    }

    @Override
    public void delivered(String sink, List<LogRecord> records) {
        cursors.commit(sink, records);
        journal.flushed(sink); // after the commit: a checkpoint that sees the marker's segment closed has the commit
        metrics.delivered(sink, records.size());
    }

    @Override
    public void retrying(String sink, int records) {
        metrics.retrying(sink, records);
    }

    @Override
    public void written(String sink, int records, long nanos) {
        metrics.batchWritten(sink, nanos);
    }

    @Override
    public void failed(String sink, SinkException error) {
        cursors.rollback(sink);
        journal.rolledBack(sink);
        int index = sinkIndex(sink);
        if (index >= 0 && spool != null) {
            spool.discard(index); // the roll-back offers those records again from the source
        }
        metrics.sinkFailed(sink);
    }

    @Override
    public void roomAvailable(String sink) {
        int index = sinkIndex(sink);
        // a worker may ask before the constructor has made the poller: nothing is spooled then
        if (index >= 0 && poller != null && spool.pending(index)) {
            poller.drainSpool(index);
        }
    }

    private int sinkIndex(String sink) {
        for (int i = 0; i < workers.size(); i++) {
            if (workers.get(i).name().equals(sink)) {
                return i;
            }
        }
        return -1;
    }

    /** Stops polling, lets sinks finish within the shutdown timeout, saves cursors. */
    void stop() {
        stopping = true;
        polls.stop();
        discoveryThread.shutdownNow();
        long deadline = System.nanoTime() + config.shutdown().timeout().toNanos();
        try {
            polls.awaitStopped(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SinkWorker worker : workers) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!worker.close(java.time.Duration.ofNanos(left))) {
                LOG.warnf("Sink %s did not finish within nitelog.shutdown.timeout; its rest is re-sent after restart", worker.name());
            }
        }
        checkpoint();
        journal.close();
        stateLock.close();
    }

    List<SinkWorker> workers() {
        return workers;
    }

    Instant lastTick() {
        return lastTick;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            // through the log, not the JVM's plain print: in JSON mode a trace stays one event
            thread.setUncaughtExceptionHandler((t, e) -> LOG.errorf(e, "Thread %s died", t.getName()));
            return thread;
        };
    }
}
