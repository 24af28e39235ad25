package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.JobNotFoundException;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.RecordChunks;
import dev.nitelog.cursor.Spool;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Unsent;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.LogText;
import dev.nitelog.sink.SinkWorker;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    private final Map<String, String> lastFailureByJob = new ConcurrentHashMap<>();
    private final Set<String> truncatedJobs = ConcurrentHashMap.newKeySet();
    private final Set<String> backloggedJobs = ConcurrentHashMap.newKeySet();

    JobPoller(ByteNiteApi api, JobTracker tracker, Cursors cursors, Spool spool, List<SinkWorker> workers,
              PipelineMetrics metrics, Clock clock) {
        this.api = api;
        this.spool = spool;
        this.tracker = tracker;
        this.cursors = cursors;
        this.workers = List.copyOf(workers);
        this.metrics = metrics;
        this.clock = clock;
    }

    void poll(JobRef job) {
        long started = System.nanoTime();
        boolean settled = false;
        boolean gone = false;
        long entries = -1;
        try {
            if (waitsForRoom(job.id())) {
                entries = JobTracker.BACKLOG; // no request: the lines would find no room; look again next interval
                return;
            }
            Cursors.PollView view = cursors.beginPoll(job.id(), sinkNamesFor(job.id()));
            ChunkOffer offer = new ChunkOffer(job);
            LogFetch fetch = api.fetchLogs(job, new CursorLineFilter(view), offer);
            metrics.fetched(fetch, System.nanoTime() - started);
            metrics.late(cursors.endPoll(view));
            cursors.holdHighWater(job.id(), fetch.partial());
            // a cut response, one with lines deferred, or one with lines still unconfirmed (queued or
            // spooled) never settles a draining job: not all was offered, or not all offered was confirmed
            boolean spooled = spooled(job.id());
            settled = offer.settled && !fetch.partial() && fetch.unconfirmed() == 0 && !spooled;
            if (settled) {
                cursors.settled(job.id()); // a backlog taken while the high water was held lets it rise now
            }
            boolean backlog = fetch.deferred() > 0 || spooled;
            entries = fetch.truncated() ? -1 : backlog ? JobTracker.BACKLOG : fetch.entries();
            if (backlog) {
                backloggedJobs.add(job.id());
            } else {
                backloggedJobs.remove(job.id());
            }
            truncation(job, fetch);
            recovered(job);
        } catch (JobNotFoundException e) {
            gone = confirmedGone(job);
            if (gone) {
                LOG.warnf("Job %s no longer exists at ByteNite; it is retired", LogText.job(job));
                forget(job.id());
                if (tracker.jobGone(job.id())) {
                    cursors.retire(job.id(), clock.instant());
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
            if (!gone && tracker.pollFinished(job.id(), settled, entries, null, clock.instant())) {
                cursors.retire(job.id(), clock.instant());
                forget(job.id());
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
        boolean settled = true;

        ChunkOffer(JobRef job) {
            this.job = job;
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
                settled &= queued == 0 && spilled[0] == 0 && cursors.allCommitted(job.id(), worker.name(), chunk);
                if (refused[0]) {
                    metrics.spoolFull();
                    taken = false;
                }
            }
            return taken;
        }

        private Unsent unsent(SinkWorker worker, List<LogRecord> chunk, int max) {
            Unsent unsent = cursors.takeUnsent(job.id(), worker.name(), chunk, max);
            metrics.late(unsent.lateBeyondWindow());
            metrics.future(unsent.future());
            return unsent;
        }
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
     * True when the job's last poll left a backlog and no interested sink has half its queue free
     * yet: polling now would re-read the whole log to make a few records. Re-reading costs about
     * as much as the job's log is long, so a backlog is taken in slices of at least half a queue.
     */
    private boolean waitsForRoom(String jobId) {
        if (!backloggedJobs.contains(jobId)) {
            return false;
        }
        for (int i = 0; i < workers.size(); i++) {
            SinkWorker worker = workers.get(i);
            if (worker.acceptsJob(jobId) && !spool.pending(jobId, i)
                    && (worker.failing() || worker.unreservedRoom() >= worker.capacity() / 2)) {
                return false;
            }
        }
        return true;
    }

    private List<String> sinkNamesFor(String jobId) {
        return workers.stream().filter(w -> w.acceptsJob(jobId)).map(SinkWorker::name).toList();
    }

    private void failed(JobRef job, String message) {
        String previous = lastFailureByJob.put(job.id(), message);
        if (!message.equals(previous)) {
            LOG.warnf("Polling job %s failed, will retry: %s", LogText.job(job), LogText.escape(message));
        }
    }

    /** One warning when a job's responses start exceeding the limit, one line when they fit again. */
    private void truncation(JobRef job, LogFetch fetch) {
        if (fetch.truncated()) {
            metrics.truncated();
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
