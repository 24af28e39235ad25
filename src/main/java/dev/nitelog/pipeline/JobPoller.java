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
        try {
            List<String> sinks = sinkNamesFor(job.id());
            LogFetch fetch = api.fetchLogs(job, cursors.skipFloor(job.id(), sinks), cursors.knownIds(job.id(), sinks),
                    recordsWanted(job.id()));
            metrics.fetched(fetch, System.nanoTime() - started);
            cursors.holdHighWater(job.id(), fetch.partial());
            // a cut response, or one with lines deferred, never settles a draining job: not all was offered
            settled = distribute(job.id(), fetch.records()) && !fetch.partial();
            entries = fetch.partial() ? -1 : fetch.entries(); // a backlog keeps the interval: more is waiting
            truncation(job, fetch);
            recovered(job);
        } catch (JobNotFoundException e) {
            LOG.warnf("Job %s (%s) no longer exists at ByteNite; it is retired", job.name(), job.id());
            gone = true;
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
            // always: a poll that ended in any way frees the job for its next poll
            if (!gone && tracker.pollFinished(job.id(), settled, entries, null, clock.instant())) {
                cursors.retire(job.id(), clock.instant());
            }
        }
    }

    /**
     * Offers every interested sink its unsent records.
     *
     * @return true if every such sink has confirmed every one of these records
     */
    private boolean distribute(String jobId, List<LogRecord> records) {
        boolean settled = true;
        for (SinkWorker worker : workers) {
            if (!worker.acceptsJob(jobId)) {
                continue;
            }
            int queued = worker.offer(room -> {
                Unsent unsent = cursors.takeUnsent(jobId, worker.name(), records, room);
                metrics.late(unsent.lateBeyondWindow());
                return unsent.records();
            });
            metrics.offered(worker.name(), queued);
            settled &= queued == 0 && cursors.allCommitted(jobId, worker.name(), records);
        }
        return settled;
    }

    /**
     * The most records worth making in one poll: what the roomiest interested sink can queue now
     * (at least {@link #MIN_RECORDS_PER_POLL}). A backlog beyond it stays unmade until a later
     * poll, so a burst of lines never sits in the heap more than once.
     */
    private int recordsWanted(String jobId) {
        int room = 0;
        for (SinkWorker worker : workers) {
            if (worker.acceptsJob(jobId)) {
                room = Math.max(room, worker.room());
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
