package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.JobNotFoundException;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Unsent;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
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
    /** Records made even when every queue is full: enough to keep a poll useful, few enough to stay small. */
    static final int MIN_RECORDS_PER_POLL = 1000;

    private static final Logger LOG = Logger.getLogger(JobPoller.class);

    private final ByteNiteApi api;
    private final JobTracker tracker;
    private final Cursors cursors;
    private final List<SinkWorker> workers;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final Map<String, String> lastFailureByJob = new ConcurrentHashMap<>();
    private final Set<String> truncatedJobs = ConcurrentHashMap.newKeySet();
    private final Set<String> backloggedJobs = ConcurrentHashMap.newKeySet();

    JobPoller(ByteNiteApi api, JobTracker tracker, Cursors cursors, List<SinkWorker> workers,
              PipelineMetrics metrics, Clock clock) {
        this.api = api;
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
        int[] reserved = null;
        try {
            if (waitsForRoom(job.id())) {
                entries = JobTracker.BACKLOG; // no request: the lines would find no room; look again next interval
                return;
            }
            List<String> sinks = sinkNamesFor(job.id());
            reserved = reserveRoom(job.id());
            Cursors.PollView view = cursors.beginPoll(job.id(), sinks);
            LogFetch fetch = api.fetchLogs(job, new CursorLineFilter(view), recordsWanted(job.id(), reserved));
            metrics.fetched(fetch, System.nanoTime() - started);
            metrics.late(cursors.endPoll(view));
            cursors.holdHighWater(job.id(), fetch.partial());
            // a cut response, one with lines deferred, or one with lines still unconfirmed never settles a
            // draining job: not all was offered, or not all offered was confirmed
            Distribution distribution = distribute(job.id(), fetch.records(), reserved);
            settled = distribution.settled() && !fetch.partial() && fetch.unconfirmed() == 0;
            if (settled) {
                cursors.settled(job.id()); // a backlog taken while the high water was held lets it rise now
            }
            entries = entriesForInterval(fetch, distribution.queueFull());
            if (entries == JobTracker.BACKLOG) {
                backloggedJobs.add(job.id());
            } else {
                backloggedJobs.remove(job.id());
            }
            truncation(job, fetch);
            recovered(job);
        } catch (JobNotFoundException e) {
            LOG.warnf("Job %s (%s) no longer exists at ByteNite; it is retired", job.name(), job.id());
            gone = true;
            forget(job.id());
            if (tracker.jobGone(job.id())) {
                cursors.retire(job.id(), clock.instant());
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
            releaseRoom(reserved);
            // always: a poll that ended in any way frees the job for its next poll
            if (!gone && tracker.pollFinished(job.id(), settled, entries, null, clock.instant())) {
                cursors.retire(job.id(), clock.instant());
                forget(job.id());
            }
        }
    }

    /** Drops what this poller remembers of a retired job: over months, retired jobs would pile up here. */
    private void forget(String jobId) {
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
        for (SinkWorker worker : workers) {
            if (worker.acceptsJob(jobId) && (worker.failing() || worker.unreservedRoom() >= worker.capacity() / 2)) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the tracker adapts the job's interval by: a backlog left for later polls (lines deferred,
     * or made but left unsent by a full queue) brings the job back to the base interval, as more is
     * waiting now; a cut response says nothing about growth, and polling it sooner would not make
     * it fit.
     */
    private static long entriesForInterval(LogFetch fetch, boolean queueFull) {
        if (fetch.truncated()) {
            return -1;
        }
        return fetch.deferred() > 0 || queueFull ? JobTracker.BACKLOG : fetch.entries();
    }

    /**
     * @param settled   every interested sink has confirmed every record of the poll
     * @param queueFull some interested sink's queue was full (or all reserved by another poll)
     *                  after this poll's records were offered, so some may have been left unsent
     */
    private record Distribution(boolean settled, boolean queueFull) {
    }

    /**
     * Offers every interested sink its unsent records.
     *
     * @return whether every such sink has confirmed every one of these records, and whether any
     *         queue was full
     */
    private Distribution distribute(String jobId, List<LogRecord> records, int[] reserved) {
        boolean settled = true;
        boolean queueFull = false;
        for (int i = 0; i < workers.size(); i++) {
            SinkWorker worker = workers.get(i);
            if (!worker.acceptsJob(jobId)) {
                continue;
            }
            int queued = worker.offer(reserved[i], room -> {
                Unsent unsent = cursors.takeUnsent(jobId, worker.name(), records, room);
                metrics.late(unsent.lateBeyondWindow());
                metrics.future(unsent.future());
                return unsent.records();
            });
            metrics.offered(worker.name(), queued);
            settled &= queued == 0 && cursors.allCommitted(jobId, worker.name(), records);
            queueFull |= !records.isEmpty() && !worker.failing() && worker.unreservedRoom() == 0;
        }
        return new Distribution(settled, queueFull);
    }

    /**
     * For a job whose last poll left a backlog, reserves in each interested sink's queue the room
     * no concurrent poll holds, so the next slice is made for room that is still there when it is
     * offered (not made by several polls for the same room, and all but one thrown away). Other
     * polls reserve nothing: they make a few records each, and a reservation must not leave them
     * no room at all.
     *
     * @return the records reserved per worker, index-aligned with {@code workers} (0 for others)
     */
    private int[] reserveRoom(String jobId) {
        int[] reserved = new int[workers.size()];
        if (!backloggedJobs.contains(jobId)) {
            return reserved;
        }
        for (int i = 0; i < reserved.length; i++) {
            SinkWorker worker = workers.get(i);
            if (worker.acceptsJob(jobId)) {
                reserved[i] = worker.reserve(Integer.MAX_VALUE);
            }
        }
        return reserved;
    }

    private void releaseRoom(int[] reserved) {
        if (reserved != null) {
            for (int i = 0; i < reserved.length; i++) {
                workers.get(i).release(reserved[i]);
            }
        }
    }

    /**
     * The most records worth making in one poll: what the roomiest interested sink can queue for
     * it (its reservation, or the room nobody reserved), at least {@link #MIN_RECORDS_PER_POLL}. A
     * backlog beyond it stays unmade until a later poll, so a burst of lines never sits in the
     * heap more than once.
     */
    private int recordsWanted(String jobId, int[] reserved) {
        int room = 0;
        for (int i = 0; i < reserved.length; i++) {
            SinkWorker worker = workers.get(i);
            if (worker.acceptsJob(jobId)) {
                room = Math.max(room, reserved[i] > 0 ? reserved[i] : worker.unreservedRoom());
            }
        }
        return Math.max(MIN_RECORDS_PER_POLL, room);
    }

    private List<String> sinkNamesFor(String jobId) {
        return workers.stream().filter(w -> w.acceptsJob(jobId)).map(SinkWorker::name).toList();
    }

    private void failed(JobRef job, String message) {
        String previous = lastFailureByJob.put(job.id(), message);
        if (!message.equals(previous)) {
            LOG.warnf("Polling job %s (%s) failed, will retry: %s", job.name(), job.id(), message);
        }
    }

    /** One warning when a job's responses start exceeding the limit, one line when they fit again. */
    private void truncation(JobRef job, LogFetch fetch) {
        if (fetch.truncated()) {
            metrics.truncated();
            if (truncatedJobs.add(job.id())) {
                LOG.warnf("The /logs response of job %s (%s) is larger than nitelog.bytenite.max-response-bytes:"
                        + " reading stopped after %d bytes, and only the lines before the cut are shipped; the rest"
                        + " follows once a response fits. Raise nitelog.bytenite.max-response-bytes"
                        + " (NITELOG_BYTENITE_MAX_RESPONSE_BYTES) above the job's log size to ship all of it",
                        job.name(), job.id(), fetch.responseBytes());
            }
        } else if (truncatedJobs.remove(job.id())) {
            LOG.infof("The /logs response of job %s (%s) fits within nitelog.bytenite.max-response-bytes again",
                    job.name(), job.id());
        }
    }

    private void recovered(JobRef job) {
        if (lastFailureByJob.remove(job.id()) != null) {
            LOG.infof("Polling job %s (%s) works again", job.name(), job.id());
        }
    }
}
