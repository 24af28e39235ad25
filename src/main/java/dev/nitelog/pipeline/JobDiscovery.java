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
    /** Whether a listing went through the whole history once: until then none may stop early. */
    private boolean wholeListingDone;
    /** The jobs the last round listed as ended: a listing newest first that reaches one is past the new jobs. */
    private Set<String> listedEnded = Set.of();
    private static final int MAX_PENDING_LOOKUPS = 10;

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

    /**
     * One discovery round; failures are logged once per change and retried next round. After the
     * first whole listing, a listing newest first stops once it has shown every job still followed
     * and reached a job the previous round listed as ended: what lies beyond is older history,
     * known already, so the account's whole past is not paged through every round.
     */
    void discover() {
        try {
            Set<String> seen = new HashSet<>();
            if (discover) {
                Set<String> followed = tracker.liveJobIds();
                Set<String> endedBefore = listedEnded;
                ByteNiteApi.ListingStop stop = wholeListingDone
                        ? listed -> listsAll(listed, followed) && listsAny(listed, endedBefore)
                        : listed -> false;
                Set<String> ended = new HashSet<>();
                for (JobStatus status : api.listJobs(stop)) {
                    seen.add(status.job().id());
                    if (status.phase() == JobPhase.TERMINAL) {
                        ended.add(status.job().id());
                    }
                    observe(status, configuredIds.contains(status.job().id()));
                }
                listedEnded = ended;
                wholeListingDone = true;
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

    /**
     * Between discovery rounds, every poll interval: the newest page of jobs, so a new job, or one
     * that turns from NEW to running, is followed within a poll interval; and each job still NEW
     * that page did not show, asked on its own (few: a job is NEW only until it runs).
     */
    void discoverNewest() {
        try {
            Set<String> seen = new HashSet<>();
            if (discover) {
                for (JobStatus status : api.listNewestJobs()) {
                    seen.add(status.job().id());
                    observe(status, configuredIds.contains(status.job().id()));
                }
            }
            List<String> pending = tracker.pendingJobIds();
            for (int i = 0; i < Math.min(pending.size(), MAX_PENDING_LOOKUPS); i++) {
                if (!seen.contains(pending.get(i))) {
                    lookUp(pending.get(i));
                }
            }
        } catch (ByteNiteException e) {
            LOG.debugf("Quick job discovery failed; the next round tries again: %s", LogText.escape(e.getMessage()));
        }
    }

    private void lookUp(String id) throws ByteNiteException {
        try {
            observe(api.getJob(id), configuredIds.contains(id));
        } catch (JobNotFoundException e) {
            // gone before it started: the full round, or its polls, deal with it
        }
    }

    private static boolean listsAll(List<JobStatus> listed, Set<String> ids) {
        if (ids.isEmpty()) {
            return true;
        }
        Set<String> missing = new HashSet<>(ids);
        for (JobStatus status : listed) {
            missing.remove(status.job().id());
        }
        return missing.isEmpty();
    }

    private static boolean listsAny(List<JobStatus> listed, Set<String> ids) {
        for (JobStatus status : listed) {
            if (ids.contains(status.job().id())) {
                return true;
            }
        }
        return false;
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
