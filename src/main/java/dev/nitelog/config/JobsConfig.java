package dev.nitelog.config;

import dev.nitelog.record.Level;
import dev.nitelog.record.Service;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Which jobs nitelog follows and how it polls their logs. */
public interface JobsConfig {

    /** Follow every active job the Jobs API lists for this account. */
    @WithDefault("true")
    boolean discover();

    /** Job ids to follow in addition to (or, with discover=false, instead of) discovered ones. */
    Optional<List<String>> ids();

    /** How often the job list is refreshed from the Jobs API. */
    @WithDefault("30s")
    Duration discoveryInterval();

    /**
     * {@code orderBy} of {@code GET /jobs}, newest first: discovery then pages only until it meets
     * the jobs it already knows, instead of the whole history. ByteNite does not document the
     * syntax; a listing that comes back in another order is paged through whole (and said once).
     * Empty to send none.
     */
    @WithDefault("createdAt desc")
    Optional<String> discoveryOrderBy();

    /** Page size when listing jobs ({@code pagination.limit}). */
    @WithDefault("100")
    int discoveryPageSize();

    /**
     * Base interval between two polls of one job's logs, used while the job writes new lines;
     * each poll is jittered by +-20%.
     */
    @WithDefault("5s")
    Duration pollInterval();

    /**
     * The longest interval between two polls of a job that writes nothing: each poll that finds
     * no new line doubles the job's interval up to this, and a poll with new lines returns it to
     * {@link #pollInterval()}. Unset means 6 x poll-interval (30s with the default).
     */
    Optional<Duration> pollIntervalMax();

    /** {@link #pollIntervalMax()}, or 6 x {@link #pollInterval()} when it is unset. */
    default Duration effectivePollIntervalMax() {
        return pollIntervalMax().orElse(pollInterval().multipliedBy(6));
    }

    /**
     * Exit with code 0 once every followed job is done (terminal, drained, and every sink
     * confirmed all of it): for a sidecar beside a job-submitting app, so a Kubernetes Job's pod
     * can complete. Nothing is followed yet keeps it running.
     */
    @WithDefault("false")
    boolean exitWhenDone();

    /**
     * Polls of a job after it turned terminal; it is retired once these were made and
     * {@link #drainPeriod()} has passed.
     */
    @WithDefault("2")
    int drainPolls();

    /**
     * How long a job is still polled after it turned terminal, so lines that reach ByteNite late
     * are still shipped however short the poll interval. Default: {@code nitelog.dedup.lateness}.
     */
    Optional<Duration> drainPeriod();

    /** At most this many /logs requests in flight at once, over all jobs. */
    @WithDefault("8")
    int maxConcurrentPolls();

    /** Only these levels are requested from ByteNite; empty means all. */
    Optional<List<Level>> levels();

    /** Only these services are requested from ByteNite; empty means all. */
    Optional<List<Service>> services();

    /** Only these task ids are requested from ByteNite; empty means all. */
    Optional<List<String>> taskIds();

    /**
     * A job that nitelog sees for the first time already finished is still drained if it ended
     * within this window (a short job between two discoveries, or one that ended while nitelog was
     * down); older finished jobs are history and ignored unless named in {@link #ids()}.
     */
    @WithDefault("1h")
    Duration backfill();

    /** How long a finished job's cursor is kept as a tombstone, so it is never shipped twice. */
    @WithDefault("24h")
    Duration retention();
}
