package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.JobNotFoundException;
import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.LogText;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the jobs to follow: the account's jobs from the Jobs API (when discovery is on) and the
 * configured ids, and feeds their states to the {@link JobTracker}.
 *
 * <p>A job seen for the first time already terminal is followed (drained) only if it was named in
 * config, if nitelog has state for it (it was followed before a restart), or if it ended within
 * the backfill window: otherwise it is history, and following it would replay an account's whole
 * past on first start.
 */
final class JobDiscovery {
    private static final Logger LOG = Logger.getLogger(JobDiscovery.class);

    private final ByteNiteApi api;
    private final JobTracker tracker;
    private final boolean discover;
    private final List<String> configuredIds;
    private final Duration backfill;
    private final Predicate<String> hasState;
    private final Predicate<String> revive;
    private final Clock clock;
    private final Set<String> missingIdsReported = new HashSet<>();
    private volatile String lastFailure;

    JobDiscovery(ByteNiteApi api, JobTracker tracker, boolean discover, List<String> configuredIds,
                 Duration backfill, Predicate<String> hasState, Predicate<String> revive, Clock clock) {
        this.api = api;
        this.tracker = tracker;
        this.discover = discover;
        this.configuredIds = List.copyOf(configuredIds);
        this.backfill = backfill;
        this.hasState = hasState;
        this.revive = revive;
        this.clock = clock;
    }

    /** One discovery round; failures are logged once per change and retried next round. */
    void discover() {
        try {
            Set<String> seen = new HashSet<>();
            if (discover) {
                for (JobStatus status : api.listJobs()) {
                    seen.add(status.job().id());
                    observe(status, configuredIds.contains(status.job().id()));
                }
            }
            for (String id : configuredIds) {
                if (!seen.contains(id)) {
                    lookUpConfigured(id);
                }
            }
            if (lastFailure != null) {
                LOG.info("Job discovery works again");
                lastFailure = null;
            }
        } catch (ByteNiteException e) {
            if (!e.getMessage().equals(lastFailure)) {
                LOG.warnf("Job discovery failed, retrying next round: %s", LogText.escape(e.getMessage()));
            }
            lastFailure = e.getMessage();
        }
    }

    private void lookUpConfigured(String id) throws ByteNiteException {
        try {
            observe(api.getJob(id), true);
        } catch (JobNotFoundException e) {
            if (missingIdsReported.add(id)) {
                LOG.warnf("Configured job %s does not exist at ByteNite; it is skipped", LogText.escape(id));
            }
        }
    }

    private void observe(JobStatus status, boolean configured) {
        Instant now = clock.instant();
        if (status.phase() == JobPhase.TERMINAL && tracker.lifecycle(status.job().id()) == null
                && !configured && !hasState.test(status.job().id()) && !endedRecently(status, now)) {
            return;
        }
        if (status.phase() == JobPhase.ACTIVE && revive.test(status.job().id())) {
            LOG.infof("Job %s is running again after it was retired: following it from where it ended",
                    LogText.job(status.job()));
        }
        tracker.observe(status, now);
    }

    private boolean endedRecently(JobStatus status, Instant now) {
        return status.endedAt() != null && status.endedAt().isAfter(now.minus(backfill));
    }

    /** The last discovery failure, or null while discovery works. */
    String lastFailure() {
        return lastFailure;
    }
}
