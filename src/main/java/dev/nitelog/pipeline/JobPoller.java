package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.JobNotFoundException;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.LogLayout;
import dev.nitelog.bytenite.LogPart;
import dev.nitelog.bytenite.RecordChunks;
import dev.nitelog.cursor.Spool;
import dev.nitelog.cursor.ArrayRef;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.JobCursor;
import dev.nitelog.cursor.ResponseRead;
import dev.nitelog.cursor.Unsent;
import dev.nitelog.jobs.JobLifecycle;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.jobs.PollOutcome;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.LogText;
import dev.nitelog.record.Service;
import dev.nitelog.sink.SinkWorker;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Polls one job once: fetches its log (skipping what every sink already has), offers each sink
 * what it has not been sent yet, and reports the outcome to the tracker. A job is only retired
 * once every sink that wants it has confirmed everything of it.
 */
final class JobPoller {
    private static final Logger LOG = Logger.getLogger(JobPoller.class);

    private final ByteNiteApi api;
    private final JobTracker tracker;
    private final Cursors cursors;
    private final Spool spool;
    private final List<SinkWorker> workers;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final long reorderBytes;
    private final Map<String, String> lastFailureByJob = new ConcurrentHashMap<>();
    private final Set<String> truncatedJobs = ConcurrentHashMap.newKeySet();
    private final Set<String> backloggedJobs = ConcurrentHashMap.newKeySet();
    private final Set<String> jobsWithLateLines = ConcurrentHashMap.newKeySet();
    private final Map<String, SplitFetch> splits = new ConcurrentHashMap<>();

    /** The reorder buffer's default, {@code nitelog.spool.reorder-buffer}. */
    static final long REORDER_BYTES = 8L << 20;

    JobPoller(ByteNiteApi api, JobTracker tracker, Cursors cursors, Spool spool, List<SinkWorker> workers,
              PipelineMetrics metrics, Clock clock) {
        this(api, tracker, cursors, spool, workers, metrics, clock, REORDER_BYTES);
    }

    /** @param reorderBytes the heap a poll may take to put new lines in time order per stream ({@link StreamOrder}) */
    JobPoller(ByteNiteApi api, JobTracker tracker, Cursors cursors, Spool spool, List<SinkWorker> workers,
              PipelineMetrics metrics, Clock clock, long reorderBytes) {
        this.api = api;
        this.reorderBytes = reorderBytes;
        this.spool = spool;
        this.tracker = tracker;
        this.cursors = cursors;
        this.workers = List.copyOf(workers);
        this.metrics = metrics;
        this.clock = clock;
    }

    void poll(JobRef job) {
        boolean settled = false;
        boolean gone = false;
        PollOutcome outcome = PollOutcome.UNCOUNTED;
        try {
            if (waitsForRoom(job.id())) {
                outcome = PollOutcome.BACKLOG; // no request: the lines would find no room; look again next interval
                return;
            }
            Round round = new Round(job, cursors.forJob(job.id()));
            SplitFetch split = splits.get(job.id());
            if (split == null) {
                LogFetch whole = round.fetch(LogPart.WHOLE, false);
                if (whole.truncated() && whole.layout().listed()) {
                    split = new SplitFetch(whole);
                    splits.put(job.id(), split);
                    LOG.warnf("The /logs response of job %s is larger than nitelog.bytenite.max-response-bytes"
                            + " (reading stopped after %d bytes): it is fetched in parts from now on, by service and"
                            + " by task, each of which should fit", LogText.job(job), whole.responseBytes());
                    round.fetchParts(split, whole);
                } else {
                    round.entries = whole.entries();
                    round.wholeCut = whole.truncated(); // an API that cannot tell the arrays: wait for a fit
                    truncation(job, whole);
                }
            } else {
                round.fetchParts(split, null);
            }
            // a round that cut a part it could still split, one with lines deferred, or one with lines
            // still unconfirmed (queued or spooled) never settles a draining job: not all was offered, or
            // not all offered was confirmed. A part that alone does not fit is not waited for: it is counted
            boolean whole = !round.wholeCut && !round.deferred;
            boolean spooled = spooled(job.id());
            settled = whole && round.offer.settled && round.unconfirmed == 0 && !spooled;
            // lines deferred because the sinks took no more lie at or after what each stream was
            // handed: high waters may rise (else ids pile up in held windows while slices are taken)
            round.cursor.endRound(!round.wholeCut && !round.deferredOutOfOrder, settled);
            boolean backlog = round.deferred || spooled;
            outcome = round.wholeCut ? PollOutcome.UNCOUNTED : backlog ? PollOutcome.BACKLOG
                    : !round.cuts.isEmpty() ? PollOutcome.CUT : PollOutcome.counted(round.entries);
            if (backlog) {
                backloggedJobs.add(job.id());
            } else {
                backloggedJobs.remove(job.id());
            }
            if (split != null) {
                cutParts(job, round.cuts);
            }
            recovered(job);
        } catch (JobNotFoundException e) {
            gone = confirmedGone(job);
            if (gone) {
                LOG.warnf("Job %s no longer exists at ByteNite; it is retired", LogText.job(job));
                forget(job.id());
                if (tracker.jobGone(job.id())) {
                    cursors.forJob(job.id()).retire(clock.instant());
                }
            } else {
                metrics.pollFailed(e);
                failed(job, "POST /logs answered 404 but GET /jobs/" + job.id() + " did not confirm the job is"
                        + " gone; it is polled again");
            }
        } catch (ByteNiteException e) {
            metrics.pollFailed(e);
            if (!Thread.currentThread().isInterrupted()) { // interrupted: nitelog is stopping, not news
                failed(job, e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            metrics.pollFailed(null);
            failed(job, e.toString());
            LOG.debug("Unexpected poll failure", e);
        } finally {
            drainSpool(); // what this poll spooled goes to the queues that have room now
            // always: a poll that ended in any way frees the job for its next poll
            if (!gone && tracker.pollFinished(job.id(), settled, outcome, clock.instant())) {
                unfetched(job);
                cursors.forJob(job.id()).retire(clock.instant());
                forget(job.id());
            }
        }
    }

    /**
     * One poll of a job: one request for its whole log, or, for a job whose log does not fit one
     * response, one per part. Every part's lines go to the same chunk offer; each part has its own
     * cursor view (so below-floor counts of different requests never mix).
     */
    private final class Round {
        private final JobRef job;
        final JobCursor cursor;
        private final List<String> sinks;
        final ChunkOffer offer;
        long entries;
        int unconfirmed;
        boolean deferred;
        boolean deferredOutOfOrder;
        boolean wholeCut;
        final List<SplitFetch.Cut> cuts = new ArrayList<>();

        Round(JobRef job, JobCursor cursor) {
            this.job = job;
            this.cursor = cursor;
            this.sinks = sinkNamesFor(job.id());
            this.offer = new ChunkOffer(job, cursor);
        }

        /**
         * Fetches one part and offers its lines. Arrays read whole release their streams' hold;
         * the array a cut fell in is held.
         *
         * @param counted whether its entries count towards the round's (a listing's do not: the
         *                parts fetched after it read the same arrays again)
         */
        LogFetch fetch(LogPart part, boolean counted) throws ByteNiteException {
            long started = System.nanoTime();
            Cursors.PollView view = cursor.beginPoll(sinks);
            LogFetch fetch;
            try (StreamOrder order = new StreamOrder(offer, spool, job, reorderBytes)) {
                fetch = api.fetchLogs(job, part, new CursorLineFilter(view), order);
                order.finish();
                deferred |= order.deferred() > 0;
                metrics.sortedOnDisk(order.sortedOnDisk());
                if (order.keptOldestOnly()) {
                    metrics.spoolFull(); // the response could not be sorted: taken oldest part first, a poll each
                }
            }
            metrics.fetched(fetch, System.nanoTime() - started);
            if (fetch.truncated()) {
                metrics.truncated();
            }
            late(job, cursor.endPoll(view, howRead(fetch)));
            entries += counted ? fetch.entries() : 0;
            unconfirmed += fetch.unconfirmed();
            deferred |= fetch.deferred() > 0;
            deferredOutOfOrder |= fetch.deferred() > 0 && fetch.deferredOutOfOrder();
            return fetch;
        }

        /**
         * Fetches a split job's parts: the task runner listed first when due (or {@code listing},
         * the cut whole response this poll already read), then the services, then the task groups.
         * A cut part is halved and both halves fetched now; a part that alone does not fit is
         * counted as cut. Stops early once lines are deferred (the sinks take no more).
         */
        void fetchParts(SplitFetch split, LogFetch listing) throws ByteNiteException {
            if (listing == null && split.listingDue(tracker.lifecycle(job.id()) == JobLifecycle.DRAINING)) {
                split.learn(fetch(LogPart.of(Service.TASKRUNNER), false));
                split.listed();
            }
            Deque<LogPart> parts = new ArrayDeque<>(split.parts());
            while (!parts.isEmpty() && !deferred) {
                LogPart part = parts.removeFirst();
                LogFetch fetch = fetch(part, true);
                split.learn(fetch);
                if (!fetch.truncated()) {
                    continue;
                }
                if (part.single()) {
                    cuts.add(new SplitFetch.Cut(part, fetch.layout().linesBeyond(), fetch.layout().bytesBeyond()));
                } else {
                    List<LogPart> halves = SplitFetch.halves(part);
                    for (int i = halves.size() - 1; i >= 0; i--) {
                        parts.addFirst(halves.get(i));
                    }
                }
            }
            if (deferred) {
                cuts.clear(); // not a whole round: what is cut is known once one is
            } else {
                split.cuts(cuts);
            }
        }
    }

    /**
     * Offers each chunk of a response to every interested sink as the body is read: what fits a
     * sink's queue is queued, the rest goes to the job's spool (and everything does once the sink
     * has records of the job waiting there, so each sink receives a stream's lines in order). A
     * chunk no spool can take stops the parse from making records; the rest waits for later polls.
     */
    private final class ChunkOffer implements RecordChunks {
        private final JobRef job;
        private final JobCursor cursor;
        boolean settled = true;

        ChunkOffer(JobRef job, JobCursor cursor) {
            this.job = job;
            this.cursor = cursor;
        }

        @Override
        public boolean accept(List<LogRecord> chunk) {
            long spoolBytes = Spool.bound(chunk); // once per chunk, not per sink
            boolean taken = true;
            for (int i = 0; i < workers.size(); i++) {
                SinkWorker worker = workers.get(i);
                if (!worker.acceptsJob(job.id())) {
                    continue;
                }
                int sink = i;
                boolean spoolable = sink < 64; // a spool entry names its sinks in a 64-bit mask
                boolean[] refused = {false};
                int[] spilled = {0};
                int queued = worker.offerOrSpill(room -> {
                    boolean inOrder = !spool.pending(job.id(), sink); // a waiting spool comes first
                    int toQueue = inOrder ? room : 0;
                    if (!spoolable || !spool.hasRoom(spoolBytes)) {
                        refused[0] = true; // take only what the queue holds; the rest stays unsent
                        return unsent(worker, chunk, toQueue).records();
                    }
                    List<LogRecord> fresh = unsent(worker, chunk, Integer.MAX_VALUE).records();
                    int split = Math.min(toQueue, fresh.size());
                    List<LogRecord> rest = fresh.subList(split, fresh.size());
                    if (!rest.isEmpty() && !spool.append(job.id(), job.name(), rest, 1L << sink)) {
                        cursors.rollback(worker.name()); // marked sent but nowhere: offer all unconfirmed again
                        spool.discard(sink);
                        refused[0] = true;
                        return List.of();
                    }
                    spilled[0] = rest.size();
                    return fresh.subList(0, split);
                });
                if (queued == SinkWorker.NOT_TAKING) {
                    settled = false; // backing off: this sink was offered nothing
                    continue;
                }
                metrics.offered(worker.name(), queued + spilled[0]);
                metrics.spooled(spilled[0]);
                settled &= queued == 0 && spilled[0] == 0 && cursor.confirmed(worker.name(), chunk);
                if (refused[0]) {
                    metrics.spoolFull();
                    taken = false;
                }
            }
            return taken;
        }

        private Unsent unsent(SinkWorker worker, List<LogRecord> chunk, int max) {
            Unsent unsent = cursor.offer(worker.name(), chunk, max, worker.wants());
            late(job, unsent.lateBeyondWindow());
            metrics.future(unsent.future());
            metrics.filtered(worker.name(), unsent.filtered());
            return unsent;
        }
    }

    /** What the cursor needs to know of how far a response was read. */
    private static ResponseRead howRead(LogFetch fetch) {
        List<ArrayRef> whole = new ArrayList<>();
        for (LogLayout.Array array : fetch.layout().arrays()) {
            if (array.whole()) {
                whole.add(new ArrayRef(array.service(), array.taskId()));
            }
        }
        LogLayout.Array cutIn = fetch.layout().cutIn();
        return new ResponseRead(!fetch.truncated(), whole, cutIn == null ? Optional.empty()
                : Optional.of(new ArrayRef(cutIn.service(), cutIn.taskId())));
    }

    /** True while the job has records in the spool for some sink. */
    private boolean spooled(String jobId) {
        for (int i = 0; i < workers.size(); i++) {
            if (spool.pending(jobId, i)) {
                return true;
            }
        }
        return false;
    }

    /** Moves spooled records into every sink queue that has room, oldest job first. */
    void drainSpool() {
        for (int i = 0; i < workers.size(); i++) {
            drainSpool(i);
        }
    }

    /** Moves spooled records of any job into this sink's queue while it has room. */
    void drainSpool(int sink) {
        SinkWorker worker = workers.get(sink);
        for (String jobId : spool.jobsPending(sink)) {
            while (spool.pending(jobId, sink)) {
                int queued = worker.offerOrSpill(room -> spool.take(jobId, sink, room));
                if (queued <= 0) {
                    return; // full, or not taking
                }
            }
        }
    }

    /**
     * A 404 from {@code /logs} retires a job only when {@code GET /jobs/{id}} says 404 too: a proxy
     * or a brief routing error must not end a live job for good.
     */
    private boolean confirmedGone(JobRef job) {
        try {
            api.getJob(job.id());
            return false;
        } catch (JobNotFoundException e) {
            return true;
        } catch (ByteNiteException | RuntimeException e) {
            return false; // not confirmed: poll again later
        }
    }

    /** Drops what this poller remembers of a retired job: over months, retired jobs would pile up here. */
    private void forget(String jobId) {
        spool.remove(jobId);
        backloggedJobs.remove(jobId);
        truncatedJobs.remove(jobId);
        jobsWithLateLines.remove(jobId);
        splits.remove(jobId);
        lastFailureByJob.remove(jobId);
    }

    /** The jobs this poller remembers something of (a backlog, a cut response, a failure), for tests. */
    int jobsRemembered() {
        Set<String> all = new java.util.HashSet<>(backloggedJobs);
        all.addAll(truncatedJobs);
        all.addAll(lastFailureByJob.keySet());
        return all.size();
    }

    /**
     * True when polling the job now would mostly re-read lines that no interested sink could take
     * or has confirmed yet. Re-reading costs about as much as the job's log is long, so a backlog is
     * taken from one fetch (or in slices of at least half a queue when the spool is full), and its
     * tail is not fetched again and again while the sinks confirm it. A sink is close to caught up
     * with the job once it is failing (a poll then costs it no work), or once it awaits confirmation
     * of fewer than half a queue of the job's records and, when the last poll left a backlog, no job
     * has records waiting for it in the spool and half its queue is free.
     */
    private boolean waitsForRoom(String jobId) {
        boolean backlogged = backloggedJobs.contains(jobId);
        boolean interested = false;
        JobCursor cursor = cursors.forJob(jobId);
        for (int i = 0; i < workers.size(); i++) {
            SinkWorker worker = workers.get(i);
            if (!worker.acceptsJob(jobId)) {
                continue;
            }
            interested = true;
            if (worker.failing()) {
                return false;
            }
            boolean confirming = cursor.awaitingConfirmation(worker.name()) >= worker.capacity() / 2;
            boolean room = !backlogged || (!spool.pending(i) && worker.room() >= worker.capacity() / 2);
            if (!confirming && room) {
                return false;
            }
        }
        return backlogged || interested;
    }

    private List<String> sinkNamesFor(String jobId) {
        return workers.stream().filter(w -> w.acceptsJob(jobId)).map(SinkWorker::name).toList();
    }

    /**
     * Counts lines that came later than the lateness behind newer lines of their stream (they cannot
     * be told from lines already shipped, so they are not shipped), and says so once per job.
     */
    private void late(JobRef job, int lines) {
        metrics.late(lines);
        if (lines > 0 && jobsWithLateLines.add(job.id())) {
            LOG.warnf("Job %s: %d lines reached ByteNite later than nitelog.dedup.lateness after newer lines of"
                    + " their stream; they cannot be told from lines already shipped, so they are counted in"
                    + " nitelog_records_late_total and not shipped. Raise nitelog.dedup.lateness"
                    + " (NITELOG_DEDUP_LATENESS) if its lines arrive that late. Said once per job",
                    LogText.job(job), lines);
        }
    }

    private void failed(JobRef job, String message) {
        String previous = lastFailureByJob.put(job.id(), message);
        if (!message.equals(previous)) {
            LOG.warnf("Polling job %s failed, will retry: %s", LogText.job(job), LogText.escape(message));
        }
    }

    /**
     * One warning when parts of a split job start not fitting even alone, one line when every part
     * fits again.
     */
    private void cutParts(JobRef job, List<SplitFetch.Cut> cuts) {
        if (!cuts.isEmpty()) {
            if (truncatedJobs.add(job.id())) {
                LOG.warnf("Job %s: %s alone larger than nitelog.bytenite.max-response-bytes: only the lines"
                        + " before the cut are shipped, and the job is polled at growing intervals while it stays"
                        + " so. Raise nitelog.bytenite.max-response-bytes (NITELOG_BYTENITE_MAX_RESPONSE_BYTES)"
                        + " above the largest task's log to ship all of it", LogText.job(job), describe(cuts));
            }
        } else if (truncatedJobs.remove(job.id())) {
            LOG.infof("Every part of the log of job %s fits within nitelog.bytenite.max-response-bytes again",
                    LogText.job(job));
        }
    }

    /** The WARN line and the count of a job retired with parts that never fitted. */
    private void unfetched(JobRef job) {
        SplitFetch split = splits.get(job.id());
        if (split == null || split.cuts().isEmpty()) {
            return;
        }
        long lines = 0;
        long bytes = 0;
        for (SplitFetch.Cut cut : split.cuts()) {
            lines += cut.lines();
            bytes += cut.bytes();
        }
        metrics.unfetched(lines);
        LOG.warnf("Job %s finished with %s larger than nitelog.bytenite.max-response-bytes: %d lines (%d bytes)"
                + " beyond the cut were not fetched and are not shipped", LogText.job(job), describe(split.cuts()),
                lines, bytes);
    }

    private static String describe(List<SplitFetch.Cut> cuts) {
        List<String> names = new ArrayList<>();
        for (SplitFetch.Cut cut : cuts) {
            names.add(cut.part().taskIds().isEmpty() ? "the " + cut.part().services().get(0).wireName().toLowerCase(
                    java.util.Locale.ROOT) + "'s log" : "task " + LogText.escape(cut.part().taskIds().get(0)) + "'s log");
        }
        return String.join(", ", names) + (names.size() == 1 ? " is" : " are");
    }

    /** One warning when a job's responses start exceeding the limit, one line when they fit again. */
    private void truncation(JobRef job, LogFetch fetch) {
        if (fetch.truncated()) {
            if (truncatedJobs.add(job.id())) {
                LOG.warnf("The /logs response of job %s is larger than nitelog.bytenite.max-response-bytes:"
                        + " reading stopped after %d bytes, and only the lines before the cut are shipped; the rest"
                        + " follows once a response fits. Raise nitelog.bytenite.max-response-bytes"
                        + " (NITELOG_BYTENITE_MAX_RESPONSE_BYTES) above the job's log size to ship all of it",
                        LogText.job(job), fetch.responseBytes());
            }
        } else if (truncatedJobs.remove(job.id())) {
            LOG.infof("The /logs response of job %s fits within nitelog.bytenite.max-response-bytes again",
                    LogText.job(job));
        }
    }

    private void recovered(JobRef job) {
        if (lastFailureByJob.remove(job.id()) != null) {
            LOG.infof("Polling job %s works again", LogText.job(job));
        }
    }
}
