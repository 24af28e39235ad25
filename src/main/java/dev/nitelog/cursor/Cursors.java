package dev.nitelog.cursor;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per (job, sink) cursors: decides which fetched records are new for a sink, remembers what the
 * sink confirmed, and bounds its memory by the lateness window.
 *
 * <p>A cursor is a high-water timestamp (the newest record seen) plus the ids of the records at
 * most {@code lateness} below it. A record is new for a cursor iff its id is not held and its
 * timestamp is at or above {@code highWater - lateness}; an unknown record older than that is
 * <em>late beyond the window</em>: not shipped, and counted (see {@link #takeUnsent}). Each (job, sink) pair has two cursors:
 * <em>sent</em> (handed to the sink's queue) and <em>committed</em> (the sink confirmed it). Only
 * committed is persisted; {@link #rollback} puts sent back to committed after a failed batch so the
 * next poll offers the records again.
 *
 * <p>Thread-safe: each job has its own lock, so polls of different jobs and a sink worker's
 * commits do not contend beyond one job. The check of an already-known record allocates nothing.
 */
public final class Cursors {

    private final long lateness;
    private final ConcurrentHashMap<String, JobCursors> jobs = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /** @param lateness how far below the high water a record may still arrive and be shipped */
    public Cursors(Duration lateness) {
        if (lateness.isNegative()) {
            throw new IllegalArgumentException("nitelog.dedup.lateness=" + lateness + " is negative: use 0s or more");
        }
        this.lateness = lateness.toNanos();
    }

    /** Cursors with {@code nitelog.dedup.lateness}. */
    public static Cursors of(NitelogConfig.DedupConfig dedup) {
        return new Cursors(dedup.lateness());
    }

    /** The lateness window. */
    public Duration lateness() {
        return Duration.ofNanos(lateness);
    }

    /**
     * The records of {@code fetched} that are new for this sink's sent cursor, in the given order,
     * now marked sent. For a retired job nothing is new.
     *
     * <p>An unknown record below the window is counted as late only while the cursor still holds
     * every id at its timestamp (the sent cursor keeps ids down to its sink's committed floor, at
     * most one lateness further). Older than that, a record it pruned after shipping cannot be told
     * from one it never saw; such a record is skipped without counting, so the count never reports
     * a re-polled line as late. The client's skip floor drops most of those before they get here.
     */
    public Unsent takeUnsent(String jobId, String sink, List<LogRecord> fetched) {
        return takeUnsent(jobId, sink, fetched, Integer.MAX_VALUE);
    }

    /**
     * As {@link #takeUnsent(String, String, List)}, but marks at most {@code maxRecords} records
     * sent (the room left in the sink's queue); the rest stay unsent for a later poll.
     */
    public Unsent takeUnsent(String jobId, String sink, List<LogRecord> fetched, int maxRecords) {
        JobCursors job = job(jobId);
        synchronized (job) {
            if (job.retiredAt != null) {
                return Unsent.NOTHING;
            }
            SinkCursors cursors = job.sink(sink);
            IdWindow sent = cursors.sent;
            List<LogRecord> fresh = null;
            int late = 0;
            for (int i = 0, n = fetched.size(); i < n && (fresh == null || fresh.size() < maxRecords); i++) {
                LogRecord record = fetched.get(i);
                RecordId id = record.id();
                if (sent.contains(id.high(), id.low())) {
                    continue;
                }
                long time = IdWindow.nanos(record.timestamp());
                if (time < sent.prunedBelow()) {
                    continue; // maybe shipped before its id was pruned: neither new nor provably late
                }
                if (time < IdWindow.minus(sent.highWater(), lateness)) {
                    late++;
                    continue;
                }
                add(sent, job.holdingHighWater, id, time);
                if (fresh == null) {
                    fresh = new ArrayList<>();
                }
                fresh.add(record);
            }
            pruneSent(cursors);
            return fresh == null && late == 0 ? Unsent.NOTHING
                    : new Unsent(fresh == null ? List.of() : fresh, late);
        }
    }

    private static void add(IdWindow window, boolean holdingHighWater, RecordId id, long time) {
        if (holdingHighWater) {
            window.addHoldingHighWater(id.high(), id.low(), time);
        } else {
            window.add(id.high(), id.low(), time);
        }
    }

    /**
     * Whether the job's last response was cut short ({@code nitelog.bytenite.max-response-bytes}).
     * While it was, records still ship and their ids are held, but no cursor's high water rises:
     * the API does not order a response, so the part not read may hold lines older than any read,
     * and a risen high water would take them for lines already shipped. The first complete
     * response lets the high water rise again.
     */
    public void holdHighWater(String jobId, boolean hold) {
        JobCursors job = job(jobId);
        synchronized (job) {
            job.holdingHighWater = hold;
        }
    }

    /**
     * After a poll that read the job's whole response and found every line of it confirmed by every
     * sink: each window's high water rises to its newest id, as if no add had been held. Ids added
     * while a cut or deferred response held the high water would otherwise keep it where it was
     * until a newer line arrives, and with it the whole backlog's ids (no pruning) and the skip
     * floor (every poll re-reads the backlog). Nothing of the log is unseen or unconfirmed at this
     * point, so no line can be taken for late that was not. A no-op when nothing was held.
     */
    public void settled(String jobId) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return;
        }
        synchronized (job) {
            if (job.retiredAt != null || job.holdingHighWater) {
                return;
            }
            boolean changed = false;
            for (SinkCursors cursors : job.sinks.values()) {
                boolean raised = raiseToNewest(cursors.committed) | raiseToNewest(cursors.sent);
                if (raised) {
                    prune(cursors);
                    changed = true;
                }
            }
            if (changed) {
                job.version = version.incrementAndGet();
            }
        }
    }

    private static boolean raiseToNewest(IdWindow window) {
        long newest = window.newestTime();
        if (newest == IdWindow.EMPTY || newest <= window.highWater()) {
            return false;
        }
        window.raiseHighWater(newest);
        return true;
    }

    /**
     * Records that a sink confirmed {@code delivered} (durable in the sink, or dead-lettered). The
     * batch may mix jobs. Commits for a retired or purged job are ignored.
     */
    public void commit(String sink, List<LogRecord> delivered) {
        int start = 0;
        while (start < delivered.size()) {
            String jobId = delivered.get(start).jobId();
            int end = start + 1;
            while (end < delivered.size() && delivered.get(end).jobId().equals(jobId)) {
                end++;
            }
            commitRun(jobId, sink, delivered, start, end);
            start = end;
        }
    }

    private void commitRun(String jobId, String sink, List<LogRecord> delivered, int from, int to) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return;
        }
        synchronized (job) {
            if (job.retiredAt != null) {
                return;
            }
            SinkCursors cursors = job.sink(sink);
            IdWindow committed = cursors.committed;
            boolean changed = false;
            for (int i = from; i < to; i++) {
                LogRecord record = delivered.get(i);
                RecordId id = record.id();
                long time = IdWindow.nanos(record.timestamp());
                if (!committed.contains(id.high(), id.low()) && time >= committed.prunedBelow()
                        && time >= IdWindow.minus(committed.highWater(), lateness)) {
                    add(committed, job.holdingHighWater, id, time);
                    changed = true;
                }
            }
            if (changed) {
                prune(cursors);
                job.version = version.incrementAndGet();
            }
        }
    }

    /**
     * After a failed batch: for every job, this sink's sent cursor becomes a copy of its committed
     * cursor, so the next poll offers everything not confirmed again.
     */
    public void rollback(String sink) {
        for (JobCursors job : jobs.values()) {
            synchronized (job) {
                SinkCursors cursors = job.sinks.get(sink);
                if (cursors != null) {
                    cursors.sent.copyFrom(cursors.committed);
                }
            }
        }
    }

    /**
     * The instant below which none of {@code sinks} needs anything of the job: the minimum over the
     * sinks of (committed high water - lateness). Null when the job is unknown or any of the sinks
     * has committed nothing for it yet; then nothing may be skipped.
     */
    public Instant skipFloor(String jobId, Collection<String> sinks) {
        JobCursors job = jobs.get(jobId);
        if (job == null || sinks.isEmpty()) {
            return null;
        }
        long floor = Long.MAX_VALUE;
        synchronized (job) {
            for (String sink : sinks) {
                SinkCursors cursors = job.sinks.get(sink);
                if (cursors == null || cursors.committed.highWater() == IdWindow.EMPTY) {
                    return null;
                }
                floor = Math.min(floor, IdWindow.minus(cursors.committed.highWater(), lateness));
            }
        }
        return IdWindow.instant(floor);
    }

    /**
     * A live view answering whether every one of {@code sinks} holds an id both sent and
     * committed for the job: such a line would be neither offered by {@link #takeUnsent} nor
     * change {@link #allCommitted}, so a poll may drop it unparsed. A line sent to every sink but
     * not committed by all ({@link KnownIds#SENT}) would not be offered either; a poll may drop
     * it too, as long as it does not then take the job for settled. Knows nothing when the job is
     * unknown or any of the sinks has no cursor for it yet. Each answer takes the job's lock
     * briefly (never across a whole parse), so sink workers keep committing meanwhile.
     */
    public KnownIds knownIds(String jobId, Collection<String> sinks) {
        JobCursors job = jobs.get(jobId);
        if (job == null || sinks.isEmpty()) {
            return KnownIds.NONE;
        }
        SinkCursors[] held = new SinkCursors[sinks.size()];
        synchronized (job) {
            if (job.retiredAt != null) {
                return KnownIds.NONE;
            }
            int i = 0;
            for (String sink : sinks) {
                SinkCursors cursors = job.sinks.get(sink);
                if (cursors == null) {
                    return KnownIds.NONE;
                }
                held[i++] = cursors;
            }
        }
        return (high, low) -> {
            synchronized (job) {
                if (job.retiredAt != null) {
                    return KnownIds.UNKNOWN;
                }
                int state = KnownIds.DELIVERED;
                for (SinkCursors cursors : held) {
                    if (!cursors.sent.contains(high, low)) {
                        return KnownIds.UNKNOWN;
                    }
                    if (!cursors.committed.contains(high, low)) {
                        state = KnownIds.SENT;
                    }
                }
                return state;
            }
        };
    }

    /**
     * Marks the job done: it keeps each sink's high water as a tombstone (so a rediscovered job is
     * not shipped again) and frees the id windows. Retiring twice keeps the first instant.
     */
    public void retire(String jobId, Instant when) {
        Objects.requireNonNull(when, "when");
        JobCursors job = job(jobId);
        synchronized (job) {
            if (job.retiredAt != null) {
                return;
            }
            job.retiredAt = when;
            for (SinkCursors cursors : job.sinks.values()) {
                cursors.tombstone();
            }
            job.version = version.incrementAndGet();
        }
    }

    /** The newest timestamp the sink confirmed for the job, or null when it confirmed nothing yet. */
    public Instant committedHighWater(String jobId, String sink) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return null;
        }
        synchronized (job) {
            SinkCursors cursors = job.sinks.get(sink);
            return cursors == null || cursors.committed.highWater() == IdWindow.EMPTY
                    ? null : IdWindow.instant(cursors.committed.highWater());
        }
    }

    /** True when nitelog holds state for the job (live or tombstone): it was followed before. */
    public boolean knows(String jobId) {
        return jobs.containsKey(jobId);
    }

    /**
     * True when the sink's committed cursor accounts for every one of {@code records}: each is
     * held, or lies below the window (delivered before, or late). A draining job is retired only
     * once this holds for every sink, so no sink loses the job's last lines.
     */
    public boolean allCommitted(String jobId, String sink, List<LogRecord> records) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return records.isEmpty();
        }
        synchronized (job) {
            SinkCursors cursors = job.sinks.get(sink);
            if (cursors == null) {
                return records.isEmpty();
            }
            IdWindow committed = cursors.committed;
            long floor = Math.max(committed.prunedBelow(), IdWindow.minus(committed.highWater(), lateness));
            for (LogRecord record : records) {
                RecordId id = record.id();
                if (!committed.contains(id.high(), id.low()) && IdWindow.nanos(record.timestamp()) >= floor) {
                    return false;
                }
            }
            return true;
        }
    }

    /** True when the job was retired and not purged yet. */
    public boolean isRetired(String jobId) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return false;
        }
        synchronized (job) {
            return job.retiredAt != null;
        }
    }

    /** Forgets tombstones retired before {@code cutoff}; returns how many. */
    public int purgeRetiredBefore(Instant cutoff) {
        int purged = 0;
        for (JobCursors job : jobs.values()) {
            boolean old;
            synchronized (job) {
                old = job.retiredAt != null && job.retiredAt.isBefore(cutoff);
            }
            if (old && jobs.remove(job.jobId, job)) {
                purged++;
            }
        }
        if (purged > 0) {
            version.incrementAndGet();
        }
        return purged;
    }

    /** Every job held, live or retired. */
    public Set<String> jobIds() {
        return Set.copyOf(jobs.keySet());
    }

    /**
     * How many ids the sink's sent cursor holds for the job (its committed cursor holds at most
     * as many in steady state); 0 when there is none. For memory tests and a gauge.
     */
    public int windowSize(String jobId, String sink) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return 0;
        }
        synchronized (job) {
            SinkCursors cursors = job.sinks.get(sink);
            return cursors == null ? 0 : cursors.sent.size();
        }
    }

    /** Approximate heap bytes of every window, for a gauge. */
    public long retainedBytes() {
        long bytes = 0;
        for (JobCursors job : jobs.values()) {
            synchronized (job) {
                for (SinkCursors cursors : job.sinks.values()) {
                    bytes += cursors.sent.retainedBytes() + cursors.committed.retainedBytes();
                }
            }
        }
        return bytes;
    }

    /**
     * A counter that moves whenever a committed cursor changes (commit, retire, purge). Equal
     * values mean there is nothing new to checkpoint.
     */
    public long version() {
        return version.get();
    }

    /** Every job's committed cursors. */
    public CursorSnapshot snapshotCommitted() {
        return snapshotCommitted(-1);
    }

    /**
     * The committed cursors of the jobs changed after {@code changedAfter} (a {@link #version()}
     * seen earlier), plus the ids of all jobs, so a store writes only what changed.
     */
    public CursorSnapshot snapshotCommitted(long changedAfter) {
        long at = version.get(); // read first: a change racing the copy is caught by the next snapshot
        Map<String, JobSnapshot> changed = new HashMap<>();
        for (JobCursors job : jobs.values()) {
            synchronized (job) {
                if (job.version > changedAfter) {
                    changed.put(job.jobId, job.snapshot());
                }
            }
        }
        return new CursorSnapshot(at, jobs.keySet(), changed);
    }

    /**
     * Loads persisted committed cursors at startup; each sent cursor starts as a copy of its
     * committed one. Jobs already held are replaced. Restored jobs count as unchanged.
     */
    public void restore(CursorSnapshot snapshot) {
        version.accumulateAndGet(snapshot.version(), Math::max);
        for (JobSnapshot saved : snapshot.jobs().values()) { // toWindow() keeps each pruned-below mark,
            // so a larger lateness after a restart cannot re-ship ids the old window had dropped
            JobCursors job = new JobCursors(saved.jobId());
            job.retiredAt = saved.retiredAt();
            job.version = snapshot.version();
            saved.sinks().forEach((sink, window) -> {
                SinkCursors cursors = job.sink(sink);
                cursors.committed.copyFrom(window.toWindow());
                cursors.sent.copyFrom(cursors.committed);
            });
            jobs.put(saved.jobId(), job);
        }
    }

    private JobCursors job(String jobId) {
        JobCursors job = jobs.get(jobId); // the common case, without computeIfAbsent's bin lock
        return job != null ? job : jobs.computeIfAbsent(jobId, JobCursors::new);
    }

    /** Prunes the committed cursor to its lateness window, then the sent cursor (see {@link #pruneSent}). */
    private void prune(SinkCursors cursors) {
        cursors.committed.pruneBelow(IdWindow.minus(cursors.committed.highWater(), lateness));
        pruneSent(cursors);
    }

    /**
     * The sent cursor keeps ids down to its sink's committed floor (at most one extra lateness
     * below its own floor), so a record re-offered after the sent cursor moved on is recognised
     * rather than counted as late. Ids below the own floor never decide newness either way.
     */
    private void pruneSent(SinkCursors cursors) {
        long own = IdWindow.minus(cursors.sent.highWater(), lateness);
        long committed = IdWindow.minus(cursors.committed.highWater(), lateness);
        cursors.sent.pruneBelow(Math.max(IdWindow.minus(own, lateness), Math.min(own, committed)));
    }

    /** One job's cursors; guarded by its own monitor. */
    private static final class JobCursors {
        final String jobId;
        final Map<String, SinkCursors> sinks = new HashMap<>(4);
        Instant retiredAt;
        long version;
        boolean holdingHighWater;

        JobCursors(String jobId) {
            this.jobId = jobId;
        }

        SinkCursors sink(String name) {
            return sinks.computeIfAbsent(name, n -> new SinkCursors());
        }

        JobSnapshot snapshot() {
            Map<String, WindowSnapshot> windows = new HashMap<>(sinks.size() * 2);
            sinks.forEach((name, cursors) -> windows.put(name, cursors.committed.snapshot()));
            return new JobSnapshot(jobId, version, retiredAt, windows);
        }
    }

    /** The two cursors of one (job, sink) pair. */
    private static final class SinkCursors {
        final IdWindow sent = new IdWindow();
        final IdWindow committed = new IdWindow();

        /** Keeps the high water, drops the ids. */
        void tombstone() {
            long highWater = committed.highWater();
            committed.clear();
            committed.raiseHighWater(highWater);
            sent.copyFrom(committed);
        }
    }
}
