package dev.nitelog.cursor;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.record.StreamKey;

import java.time.Clock;
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
import java.util.function.Predicate;

/**
 * Per (job, sink, stream) cursors: decides which fetched records are new for a sink, remembers
 * what the sink confirmed, and bounds its memory by the lateness window.
 *
 * <p>A stream ({@link StreamKey}) is what one writer emits in order. Its cursor is a high-water
 * timestamp (the newest record seen) plus the ids of the records at most {@code lateness} below
 * it. A record is new for a cursor iff its id is not held and its timestamp is at or above
 * {@code highWater - lateness}; an unknown record older than that is <em>late beyond the
 * window</em>: not shipped, and counted. Clocks of different streams never meet: a task whose
 * clock runs ahead moves only its own stream's high water. A record stamped more than
 * {@code max-future} after now is shipped and remembered by id without moving any high water
 * (counted as future); once now catches up with it, the high water may rise to it.
 *
 * <p>Each (job, sink, stream) has two cursors: <em>sent</em> (handed to the sink's queue) and
 * <em>committed</em> (the sink confirmed it). Only committed is persisted; {@link #rollback} puts
 * sent back to committed after a failed batch so the next poll offers the records again. The
 * committed cursor rises only with records the sink confirmed, so it never stands past a record of
 * its stream that was sent before and is still unconfirmed, as long as the stream's records are
 * confirmed in their order (a sink's queue is FIFO).
 *
 * <p>Thread-safe: each job has its own lock, so polls of different jobs and a sink worker's
 * commits do not contend beyond one job. The check of an already-known record allocates nothing.
 */
public final class Cursors {

    private final long lateness;
    private final long maxFuture;
    private final Clock clock;
    private final ConcurrentHashMap<String, JobCursors> jobs = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /** @param lateness how far below the high water a record may still arrive and be shipped */
    public Cursors(Duration lateness) {
        this(lateness, Duration.ofMinutes(5), Clock.systemUTC());
    }

    /**
     * @param lateness  how far below its stream's high water a record may still arrive and be shipped
     * @param maxFuture how far after now a record may be stamped and still move its stream's high water
     * @param clock     what "now" is for {@code maxFuture}
     */
    public Cursors(Duration lateness, Duration maxFuture, Clock clock) {
        if (lateness.isNegative()) {
            throw new IllegalArgumentException("nitelog.dedup.lateness=" + lateness + " is negative: use 0s or more");
        }
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException("nitelog.dedup.max-future=" + maxFuture + " is negative: use 0s or more");
        }
        this.lateness = lateness.toNanos();
        this.maxFuture = maxFuture.toNanos();
        this.clock = clock;
    }

    /** Cursors with {@code nitelog.dedup.lateness} and {@code max-future}. */
    public static Cursors of(NitelogConfig.DedupConfig dedup, Clock clock) {
        return new Cursors(dedup.lateness(), dedup.maxFuture(), clock);
    }

    /** The job's side of the protocol, for its polls. */
    public JobCursor forJob(String jobId) {
        return new JobCursor(this, jobId);
    }

    /** The lateness window. */
    public Duration lateness() {
        return Duration.ofNanos(lateness);
    }

    /**
     * The records of {@code fetched} that are new for this sink's sent cursors, in the given
     * order, now marked sent. For a retired job nothing is new.
     *
     * <p>An unknown record below its stream's window is counted as late only while the cursor
     * still holds every id at its timestamp (the sent cursor keeps ids down to its sink's committed
     * floor, at most one lateness further). Older than that, a record it pruned after shipping
     * cannot be told from one it never saw; such a record is skipped here without counting, and
     * {@link #endPoll} counts what a response holds below the floor beyond what was shipped.
     */
    Unsent takeUnsent(String jobId, String sink, List<LogRecord> fetched) {
        return takeUnsent(jobId, sink, fetched, Integer.MAX_VALUE, ALL);
    }

    /** Every record: a sink without level or service filters. */
    static final Predicate<LogRecord> ALL = record -> true;

    /**
     * As {@link #takeUnsent(String, String, List)}, but marks at most {@code maxRecords} records
     * sent (the room left in the sink's queue); the rest stay unsent for a later poll. A new record
     * the sink does not {@code want} (its level and service filters) is not returned and takes no
     * room: it counts as confirmed at once. Its id is committed, but while records of its stream
     * sent before it await confirmation it does not raise the committed high water: that rises
     * with their confirmation, so it never stands past a record never confirmed.
     */
    Unsent takeUnsent(String jobId, String sink, List<LogRecord> fetched, int maxRecords, Predicate<LogRecord> wants) {
        JobCursors job = job(jobId);
        long futureFrom = UNREAD; // read the clock only for a new record: a re-poll allocates nothing
        synchronized (job) {
            if (job.retiredAt != null) {
                return Unsent.NOTHING;
            }
            SinkCursors cursors = job.sink(sink);
            List<LogRecord> fresh = null;
            int late = 0;
            int future = 0;
            int filtered = 0;
            StreamCursors stream = null;
            for (int i = 0, n = fetched.size(); i < n && (fresh == null ? 0 : fresh.size()) < maxRecords; i++) {
                LogRecord record = fetched.get(i);
                if (stream == null || !stream.key.holds(record)) {
                    stream = cursors.streamOf(record);
                }
                RecordId id = record.id();
                IdWindow sent = stream.sent;
                long time = IdWindow.nanos(record.timestamp());
                if (sent.contains(id.high(), id.low(), time) || cursors.legacyHolds(id.high(), id.low(), time)) {
                    continue;
                }
                if (time < sent.prunedBelow()) {
                    continue; // maybe shipped before its id was pruned: neither new nor provably late
                }
                if (time < IdWindow.minus(sent.highWater(), lateness)) {
                    late++;
                    stream.belowFloorOffset++; // counted here: not again once below the committed floor
                    continue;
                }
                if (futureFrom == UNREAD) {
                    futureFrom = futureFrom();
                }
                if (time >= futureFrom) {
                    future++;
                }
                boolean holding = job.holdingHighWater || stream.held || time >= futureFrom;
                add(sent, holding, id, time);
                stream.touched = true;
                if (!wants.test(record)) {
                    commitFiltered(stream, holding, id, time);
                    filtered++;
                    continue;
                }
                stream.awaitingConfirmation++;
                if (fresh == null) {
                    fresh = new ArrayList<>();
                }
                fresh.add(record);
            }
            if (fresh != null || filtered > 0) {
                for (int s = 0; s < cursors.ordered.size(); s++) {
                    StreamCursors touched = cursors.ordered.get(s);
                    if (touched.touched) {
                        touched.touched = false;
                        riseToPresent(touched.sent, job.holdingHighWater || touched.held, futureFrom);
                        if (filtered > 0) {
                            prune(touched);
                        } else {
                            pruneSent(touched);
                        }
                    }
                }
                if (filtered > 0) {
                    job.version = version.incrementAndGet();
                }
            }
            return fresh == null && late == 0 && filtered == 0 ? Unsent.NOTHING
                    : new Unsent(fresh == null ? List.of() : fresh, late, future, filtered);
        }
    }

    private static final long UNREAD = Long.MIN_VALUE;

    /** A record the sink filters out is confirmed as soon as it is offered; see {@link #takeUnsent}. */
    private static void commitFiltered(StreamCursors stream, boolean holding, RecordId id, long time) {
        IdWindow committed = stream.committed;
        if (!committed.contains(id.high(), id.low(), time) && time >= committed.prunedBelow()) {
            add(committed, holding || stream.awaitingConfirmation > 0, id, time);
        }
    }

    /** Epoch nanoseconds from which a record counts as stamped in the future. */
    private long futureFrom() {
        long now = IdWindow.nanos(clock.instant());
        return now > Long.MAX_VALUE - maxFuture ? Long.MAX_VALUE : now + maxFuture + 1;
    }

    private static void add(IdWindow window, boolean holdingHighWater, RecordId id, long time) {
        if (holdingHighWater) {
            window.addHoldingHighWater(id.high(), id.low(), time);
        } else {
            window.add(id.high(), id.low(), time);
        }
    }

    /**
     * Ids held above the high water because they were stamped in the future when they came let it
     * rise once now has caught up with them (a task whose clock runs ahead would otherwise never
     * let its window prune).
     */
    private static boolean riseToPresent(IdWindow window, boolean holdingHighWater, long futureFrom) {
        if (holdingHighWater) {
            return false;
        }
        long newest = window.newestAtOrBelow(futureFrom - 1);
        if (newest == IdWindow.EMPTY || newest <= window.highWater()) {
            return false;
        }
        window.raiseHighWater(newest);
        return true;
    }

    /**
     * Whether the job's last response was cut short ({@code nitelog.bytenite.max-response-bytes}).
     * While it was, records still ship and their ids are held, but no cursor's high water rises:
     * the part not read may hold lines older than any read, and a risen high water would take them
     * for lines already shipped. The first complete response lets the high water rise again.
     */
    void holdHighWater(String jobId, boolean hold) {
        JobCursors job = job(jobId);
        synchronized (job) {
            job.holdingHighWater = hold;
        }
    }

    /**
     * Whether the job's last response holding this array (a service's, or one task's: every
     * container of it) was cut inside it. While it was, that array's streams ship records and hold
     * their ids, but their high water does not rise: the part of the array not read may hold lines
     * older than any read. Other streams are not held: an array read to its end held every line of
     * its streams, and an array not read at all moved no cursor. Releasing the hold (the array was
     * read whole) lets the high water rise as if no add had been held, so the window prunes again.
     */
    void holdArray(String jobId, ArrayRef array, boolean hold) {
        JobCursors job = hold ? job(jobId) : jobs.get(jobId);
        if (job == null) {
            return;
        }
        long futureFrom = hold ? UNREAD : futureFrom();
        synchronized (job) {
            if (job.retiredAt != null || (hold ? !job.heldArrays.add(array) : !job.heldArrays.remove(array))) {
                return;
            }
            if (releaseStreams(job, array, hold, futureFrom)) {
                job.version = version.incrementAndGet();
            }
        }
    }

    /** True when any array of the job is held ({@link #holdArray}). */
    boolean holdsAnyArray(String jobId) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return false;
        }
        synchronized (job) {
            return !job.heldArrays.isEmpty();
        }
    }

    /** Marks the array's streams held or not; a release raises them to their newest id. True when a cursor moved. */
    private boolean releaseStreams(JobCursors job, ArrayRef key, boolean hold, long futureFrom) {
        boolean changed = false;
        for (SinkCursors cursors : job.sinks.values()) {
            for (int i = 0; i < cursors.ordered.size(); i++) {
                StreamCursors stream = cursors.ordered.get(i);
                if (!key.holds(stream.key)) {
                    continue;
                }
                stream.held = hold;
                if (!hold && !job.holdingHighWater && (riseToPresent(stream.committed, false, futureFrom)
                        | riseToPresent(stream.sent, false, futureFrom))) {
                    prune(stream);
                    changed = true;
                }
            }
        }
        return changed;
    }

    /**
     * After a poll that read the job's whole response and found every line of it confirmed by every
     * sink: each window's high water rises to its newest id that is not stamped in the future, as if
     * no add had been held. A no-op when nothing was held.
     */
    void settled(String jobId) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return;
        }
        long futureFrom = futureFrom();
        synchronized (job) {
            if (job.retiredAt != null || job.holdingHighWater) {
                return;
            }
            boolean changed = false;
            for (SinkCursors cursors : job.sinks.values()) {
                for (StreamCursors stream : cursors.streams.values()) {
                    if (stream.held) {
                        continue; // its array was cut: it rises once read whole (holdArray)
                    }
                    boolean raised = riseToPresent(stream.committed, false, futureFrom)
                            | riseToPresent(stream.sent, false, futureFrom);
                    if (raised) {
                        prune(stream);
                        changed = true;
                    }
                }
            }
            if (changed) {
                job.version = version.incrementAndGet();
            }
        }
    }

    /**
     * Records that a sink confirmed {@code delivered} (durable in the sink, or dead-lettered). The
     * batch may mix jobs. Commits for a retired or purged job are ignored.
     */
    public void commit(String sink, List<LogRecord> delivered) {
        long futureFrom = futureFrom();
        int start = 0;
        while (start < delivered.size()) {
            String jobId = delivered.get(start).jobId();
            int end = start + 1;
            while (end < delivered.size() && delivered.get(end).jobId().equals(jobId)) {
                end++;
            }
            commitRun(jobId, sink, delivered, start, end, futureFrom);
            start = end;
        }
    }

    private void commitRun(String jobId, String sink, List<LogRecord> delivered, int from, int to, long futureFrom) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return;
        }
        synchronized (job) {
            if (job.retiredAt != null) {
                return;
            }
            SinkCursors cursors = job.sink(sink);
            boolean changed = false;
            StreamCursors stream = null;
            for (int i = from; i < to; i++) {
                LogRecord record = delivered.get(i);
                if (stream == null || !stream.key.holds(record)) {
                    stream = cursors.streamOf(record);
                }
                if (stream.awaitingConfirmation > 0) {
                    stream.awaitingConfirmation--;
                }
                IdWindow committed = stream.committed;
                RecordId id = record.id();
                long time = IdWindow.nanos(record.timestamp());
                if (!committed.contains(id.high(), id.low(), time) && time >= committed.prunedBelow()
                        && time >= IdWindow.minus(committed.highWater(), lateness)) {
                    add(committed, job.holdingHighWater || stream.held || time >= futureFrom, id, time);
                    stream.touched = true;
                    changed = true;
                }
            }
            if (changed) {
                for (int k = 0; k < cursors.ordered.size(); k++) {
                    StreamCursors s = cursors.ordered.get(k);
                    if (s.touched) {
                        s.touched = false;
                        riseToPresent(s.committed, job.holdingHighWater || s.held, futureFrom);
                        prune(s);
                    }
                }
                job.version = version.incrementAndGet();
            }
        }
    }

    /**
     * After a failed batch: for every job, this sink's sent cursors become copies of its committed
     * cursors, so the next poll offers everything not confirmed again.
     */
    public void rollback(String sink) {
        for (JobCursors job : jobs.values()) {
            synchronized (job) {
                SinkCursors cursors = job.sinks.get(sink);
                if (cursors != null) {
                    for (StreamCursors stream : cursors.streams.values()) {
                        stream.sent.copyFrom(stream.committed);
                        stream.awaitingConfirmation = 0;
                    }
                }
            }
        }
    }

    /**
     * The instant below which none of {@code sinks} needs anything of the job, whatever the stream:
     * the minimum over the sinks' streams of (committed high water - lateness). Null when the job
     * is unknown or any of the sinks has committed nothing for it yet. Polls ask {@link #beginPoll}
     * for a floor per stream instead; this one serves callers that know no streams.
     */
    Instant skipFloor(String jobId, Collection<String> sinks) {
        JobCursors job = jobs.get(jobId);
        if (job == null || sinks.isEmpty()) {
            return null;
        }
        long floor = Long.MAX_VALUE;
        synchronized (job) {
            for (String sink : sinks) {
                SinkCursors cursors = job.sinks.get(sink);
                if (cursors == null || cursors.streams.isEmpty()) {
                    return null;
                }
                for (StreamCursors stream : cursors.streams.values()) {
                    if (stream.committed.highWater() == IdWindow.EMPTY) {
                        return null;
                    }
                    floor = Math.min(floor, IdWindow.minus(stream.committed.highWater(), lateness));
                }
            }
        }
        return IdWindow.instant(floor);
    }

    /**
     * Starts one poll of the job for {@code sinks}: the view the parser asks, per stream, which
     * lines every sink already has ({@link PollView.Stream#floorNanos()} and
     * {@link PollView.Stream#state}). Hand it to {@link #endPoll} once the response was read.
     */
    PollView beginPoll(String jobId, Collection<String> sinks) {
        return new PollView(jobId, List.copyOf(sinks));
    }

    /**
     * Ends a poll begun with {@link #beginPoll}: for each stream, compares the lines the response
     * held below the stream's floor with the lines known to lie there (shipped, then pruned, or
     * counted late before); a surplus is lines that arrived later than the lateness and were never
     * shipped: they are counted as late once, never silently skipped. The first poll of a stream
     * after a start only takes the count.
     *
     * @return the lines found late this poll
     */
    int endPoll(PollView view) {
        JobCursors job = jobs.get(view.jobId);
        if (job == null) {
            return 0;
        }
        int late = 0;
        synchronized (job) {
            for (PollView.Stream stream : view.streams.values()) {
                if (stream.floorOwner == null || job.retiredAt != null) {
                    continue;
                }
                StreamCursors owner = stream.floorOwner;
                long known = owner.committed.pruned() + owner.belowFloorOffset;
                if (!owner.calibrated) {
                    owner.belowFloorOffset = stream.belowFloor - owner.committed.pruned();
                    owner.calibrated = true;
                } else if (stream.belowFloor > known) {
                    late += (int) Math.min(Integer.MAX_VALUE, stream.belowFloor - known);
                    owner.belowFloorOffset += stream.belowFloor - known;
                }
            }
        }
        return late;
    }

    /**
     * A live view answering whether every one of {@code sinks} holds an id both sent and
     * committed for the job, in any stream. Knows nothing when the job is unknown or any of the
     * sinks has no cursor for it yet. Polls use {@link #beginPoll}, which asks only the line's
     * own stream.
     */
    KnownIds knownIds(String jobId, Collection<String> sinks) {
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
                    return KnownIds.State.UNKNOWN;
                }
                KnownIds.State state = KnownIds.State.DELIVERED;
                for (SinkCursors cursors : held) {
                    KnownIds.State one = cursors.state(high, low);
                    if (one == KnownIds.State.UNKNOWN) {
                        return KnownIds.State.UNKNOWN;
                    }
                    if (one == KnownIds.State.SENT) {
                        state = KnownIds.State.SENT; // the least far any sink got
                    }
                }
                return state;
            }
        };
    }

    /**
     * Marks the job done: it keeps each stream's high water as a tombstone (so a rediscovered job
     * is not shipped again) and frees the id windows. Retiring twice keeps the first instant.
     */
    void retire(String jobId, Instant when) {
        Objects.requireNonNull(when, "when");
        JobCursors job = job(jobId);
        synchronized (job) {
            if (job.retiredAt != null) {
                return;
            }
            // a job retired with arrays still cut: its tombstone stands at the newest line it shipped
            long futureFrom = job.heldArrays.isEmpty() ? UNREAD : futureFrom();
            for (ArrayRef held : List.copyOf(job.heldArrays)) {
                releaseStreams(job, held, false, futureFrom);
            }
            job.heldArrays.clear();
            job.retiredAt = when;
            for (SinkCursors cursors : job.sinks.values()) {
                cursors.tombstone();
            }
            job.version = version.incrementAndGet();
        }
    }

    /**
     * Follows a retired job again (it showed up running after it was retired): from its
     * tombstone, so every line at or below a stream's tombstone high water counts as shipped and
     * only later lines are new. False when the job is not retired.
     */
    public boolean revive(String jobId) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return false;
        }
        synchronized (job) {
            if (job.retiredAt == null) {
                return false;
            }
            job.retiredAt = null;
            for (SinkCursors cursors : job.sinks.values()) {
                cursors.revive();
            }
            job.version = version.incrementAndGet();
            return true;
        }
    }

    /**
     * The newest timestamp the sink confirmed for the job over all its streams, or null when it
     * confirmed nothing yet.
     */
    public Instant committedHighWater(String jobId, String sink) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return null;
        }
        synchronized (job) {
            SinkCursors cursors = job.sinks.get(sink);
            if (cursors == null) {
                return null;
            }
            long newest = cursors.legacy == null ? IdWindow.EMPTY : cursors.legacy.highWater();
            for (StreamCursors stream : cursors.streams.values()) {
                newest = Math.max(newest, stream.committed.highWater());
            }
            return newest == IdWindow.EMPTY ? null : IdWindow.instant(newest);
        }
    }

    /** True when nitelog holds state for the job (live or tombstone): it was followed before. */
    public boolean knows(String jobId) {
        return jobs.containsKey(jobId);
    }

    /**
     * True when the sink's committed cursors account for every one of {@code records}: each is
     * held, or lies below its stream's window (delivered before, or late). A draining job is
     * retired only once this holds for every sink, so no sink loses the job's last lines.
     */
    boolean allCommitted(String jobId, String sink, List<LogRecord> records) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return records.isEmpty();
        }
        synchronized (job) {
            SinkCursors cursors = job.sinks.get(sink);
            if (cursors == null) {
                return records.isEmpty();
            }
            for (LogRecord record : records) {
                RecordId id = record.id();
                if (cursors.legacyHolds(id)) {
                    continue;
                }
                StreamCursors stream = cursors.streams.get(StreamKey.of(record));
                if (stream == null) {
                    return false;
                }
                IdWindow committed = stream.committed;
                long floor = Math.max(committed.prunedBelow(), IdWindow.minus(committed.highWater(), lateness));
                long time = IdWindow.nanos(record.timestamp());
                if (!committed.contains(id.high(), id.low(), time) && time >= floor) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Records of the job handed to the sink and not confirmed yet (queued, spooled, or written and not flushed). */
    long awaitingConfirmation(String jobId, String sink) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return 0;
        }
        synchronized (job) {
            SinkCursors cursors = job.sinks.get(sink);
            long awaiting = 0;
            if (cursors != null) {
                for (int i = 0; i < cursors.ordered.size(); i++) {
                    awaiting += cursors.ordered.get(i).awaitingConfirmation;
                }
            }
            return awaiting;
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
     * How many ids the sink's sent cursors hold for the job over all streams (its committed
     * cursors hold at most as many in steady state); 0 when there is none. For memory tests.
     */
    public int windowSize(String jobId, String sink) {
        JobCursors job = jobs.get(jobId);
        if (job == null) {
            return 0;
        }
        synchronized (job) {
            SinkCursors cursors = job.sinks.get(sink);
            if (cursors == null) {
                return 0;
            }
            int size = 0;
            for (StreamCursors stream : cursors.streams.values()) {
                size += stream.sent.size();
            }
            return size;
        }
    }

    /** Approximate heap bytes of every window, for a gauge. */
    public long retainedBytes() {
        long bytes = 0;
        for (JobCursors job : jobs.values()) {
            synchronized (job) {
                for (SinkCursors cursors : job.sinks.values()) {
                    bytes += cursors.retainedBytes();
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
     * committed one. Jobs already held are replaced. Restored jobs count as unchanged. A job's
     * per-sink cursor of checkpoint format 1 is kept as that sink's legacy cursor (see
     * {@link JobSnapshot#sinks()}).
     */
    public void restore(CursorSnapshot snapshot) {
        version.accumulateAndGet(snapshot.version(), Math::max);
        for (JobSnapshot saved : snapshot.jobs().values()) { // toWindow() keeps each pruned-below mark,
            // so a larger lateness after a restart cannot re-ship ids the old window had dropped
            JobCursors job = new JobCursors(saved.jobId());
            job.retiredAt = saved.retiredAt();
            job.version = snapshot.version();
            saved.sinks().forEach((sink, window) -> job.sink(sink).legacy = window.toWindow());
            saved.streams().forEach((sink, streams) -> streams.forEach((key, window) -> {
                StreamCursors stream = job.sink(sink).stream(key);
                stream.calibrated = false; // what lies below the restored floor is not counted yet
                stream.committed.copyFrom(window.toWindow());
                stream.sent.copyFrom(stream.committed);
                stream.idsWithoutLevelUntil = window.idsWithoutLevelUntil();
            }));
            jobs.put(saved.jobId(), job);
        }
    }

    private JobCursors job(String jobId) {
        JobCursors job = jobs.get(jobId); // the common case, without computeIfAbsent's bin lock
        return job != null ? job : jobs.computeIfAbsent(jobId, JobCursors::new);
    }

    /** Prunes the committed cursor to its lateness window, then the sent cursor (see {@link #pruneSent}). */
    private void prune(StreamCursors stream) {
        stream.committed.pruneBelow(IdWindow.minus(stream.committed.highWater(), lateness));
        pruneSent(stream);
    }

    /**
     * The sent cursor keeps ids down to its sink's committed floor (at most one extra lateness
     * below its own floor), so a record re-offered after the sent cursor moved on is recognised
     * rather than counted as late. Ids below the own floor never decide newness either way.
     */
    private void pruneSent(StreamCursors stream) {
        long own = IdWindow.minus(stream.sent.highWater(), lateness);
        long committed = IdWindow.minus(stream.committed.highWater(), lateness);
        stream.sent.pruneBelow(Math.max(IdWindow.minus(own, lateness), Math.min(own, committed)));
    }

    /**
     * One poll's view of a job's cursors for the parser: per stream, the floor below which every
     * interested sink has everything, and the known state of a line's id. Each answer takes the
     * job's lock briefly (never across a whole parse), so sink workers keep committing meanwhile.
     * Used by one polling thread.
     */
    public final class PollView {
        private final String jobId;
        private final List<String> sinks;
        private final Map<StreamKey, Stream> streams = new HashMap<>();

        private PollView(String jobId, List<String> sinks) {
            this.jobId = jobId;
            this.sinks = sinks;
        }

        /** The view of one stream; ask once per stream and response, not per line. */
        public Stream stream(Service service, String taskId, String container) {
            return streams.computeIfAbsent(new StreamKey(service, taskId, container), this::open);
        }

        private Stream open(StreamKey key) {
            JobCursors job = jobs.get(jobId);
            if (job == null || sinks.isEmpty()) {
                return new Stream(null, null, IdWindow.EMPTY);
            }
            StreamCursors[] held = new StreamCursors[sinks.size()];
            SinkCursors[] owners = new SinkCursors[sinks.size()];
            StreamCursors floorOwner = null;
            long floor = Long.MAX_VALUE;
            long withoutLevelUntil = IdWindow.EMPTY;
            synchronized (job) {
                if (job.retiredAt != null) {
                    return new Stream(null, null, IdWindow.EMPTY);
                }
                for (int i = 0; i < held.length; i++) {
                    SinkCursors cursors = job.sinks.get(sinks.get(i));
                    // a format-1 cursor holds this stream's lines too: its stream starts from it now
                    StreamCursors stream = cursors == null ? null
                            : cursors.legacy != null ? cursors.stream(key) : cursors.streams.get(key);
                    if (stream == null) {
                        return new Stream(null, null, IdWindow.EMPTY);
                    }
                    held[i] = stream;
                    owners[i] = cursors;
                    withoutLevelUntil = Math.max(withoutLevelUntil, Math.max(stream.idsWithoutLevelUntil(),
                            cursors.legacy == null ? IdWindow.EMPTY : cursors.legacy.highWater()));
                    // a sink that confirmed nothing of the stream yet needs all of it: no floor
                    long own = stream.committed.highWater() == IdWindow.EMPTY ? IdWindow.EMPTY
                            : stream.committed.prunedBelow();
                    if (own < floor) {
                        floor = own;
                        floorOwner = own == IdWindow.EMPTY ? null : stream;
                    }
                }
            }
            return new Stream(held, owners, floor, floorOwner, withoutLevelUntil);
        }

        /** One stream of the poll. */
        public final class Stream {
            private final StreamCursors[] held;
            private final SinkCursors[] owners;
            private final long floor;
            private final StreamCursors floorOwner;
            private final long withoutLevelUntil;
            private long belowFloor;

            private Stream(StreamCursors[] held, SinkCursors[] owners, long floor) {
                this(held, owners, floor, null, IdWindow.EMPTY);
            }

            private Stream(StreamCursors[] held, SinkCursors[] owners, long floor, StreamCursors floorOwner,
                           long withoutLevelUntil) {
                this.held = held;
                this.owners = owners;
                this.floor = floor;
                this.floorOwner = floorOwner;
                this.withoutLevelUntil = withoutLevelUntil;
            }

            /**
             * Epoch nanoseconds at or before which a line may be held by its id without the level
             * (a cursor restored from checkpoint format 2, or a format-1 cursor); {@link Long#MIN_VALUE} for none.
             */
            public long idsWithoutLevelUntilNanos() {
                return withoutLevelUntil;
            }

            /**
             * Epoch nanoseconds below which every interested sink has every line of this stream
             * it will ever need; {@link Long#MIN_VALUE} when nothing may be skipped.
             */
            public long floorNanos() {
                return floor;
            }

            /** Counts one line of the response below {@link #floorNanos()} (see {@link #endPoll}). */
            public void belowFloor() {
                belowFloor++;
            }

            /**
             * {@link KnownIds.State#UNKNOWN}, {@link KnownIds.State#SENT} or {@link KnownIds.State#DELIVERED},
             * as {@link #knownIds} tells, for a line stamped {@code epochNanos}.
             */
            public KnownIds.State state(long high, long low, long epochNanos) {
                if (held == null) {
                    return KnownIds.State.UNKNOWN;
                }
                JobCursors job = jobs.get(jobId);
                if (job == null) {
                    return KnownIds.State.UNKNOWN;
                }
                synchronized (job) {
                    if (job.retiredAt != null) {
                        return KnownIds.State.UNKNOWN;
                    }
                    KnownIds.State state = KnownIds.State.DELIVERED;
                    for (int i = 0; i < held.length; i++) {
                        boolean legacy = owners[i].legacyHolds(high, low, epochNanos);
                        if (!legacy && !held[i].sent.contains(high, low, epochNanos)) {
                            return KnownIds.State.UNKNOWN;
                        }
                        if (!legacy && !held[i].committed.contains(high, low, epochNanos)) {
                            state = KnownIds.State.SENT;
                        }
                    }
                    return state;
                }
            }
        }
    }

    /** One job's cursors; guarded by its own monitor. */
    private static final class JobCursors {
        final String jobId;
        final Map<String, SinkCursors> sinks = new HashMap<>(4);
        Instant retiredAt;
        long version;
        boolean holdingHighWater;
        final Set<ArrayRef> heldArrays = new java.util.HashSet<>(2);

        JobCursors(String jobId) {
            this.jobId = jobId;
        }

        SinkCursors sink(String name) {
            SinkCursors cursors = sinks.get(name); // no capturing lambda: this runs per poll and commit
            if (cursors == null) {
                cursors = new SinkCursors(heldArrays);
                sinks.put(name, cursors);
            }
            return cursors;
        }

        JobSnapshot snapshot() {
            Map<String, WindowSnapshot> legacy = new HashMap<>();
            Map<String, Map<StreamKey, WindowSnapshot>> streams = new HashMap<>(sinks.size() * 2);
            sinks.forEach((name, cursors) -> {
                if (cursors.legacy != null) {
                    legacy.put(name, cursors.legacy.snapshot());
                }
                Map<StreamKey, WindowSnapshot> windows = new HashMap<>(cursors.streams.size() * 2);
                cursors.streams.forEach((key, stream) -> windows.put(key,
                        stream.committed.snapshot().withIdsWithoutLevelUntil(stream.idsWithoutLevelUntil())));
                streams.put(name, windows);
            });
            return new JobSnapshot(jobId, version, retiredAt, legacy, streams);
        }
    }

    /** One (job, sink) pair: its streams' cursors, and the format-1 cursor an upgrade brought along. */
    private static final class SinkCursors {
        final Map<StreamKey, StreamCursors> streams = new HashMap<>(4);
        final List<StreamCursors> ordered = new ArrayList<>(4); // the same, walked by index: no iterator per call
        /** The committed cursor of checkpoint format 1 (every stream in one), or null. */
        IdWindow legacy;
        /** The job's held arrays (shared): a stream made while its array is held starts held. */
        private final Set<ArrayRef> heldArrays;

        SinkCursors(Set<ArrayRef> heldArrays) {
            this.heldArrays = heldArrays;
        }

        /**
         * The stream's cursors, made on first use. A stream first seen after an upgrade starts
         * where the format-1 cursor stood, so it skips what that cursor would have skipped.
         */
        StreamCursors stream(StreamKey key) {
            StreamCursors stream = streams.get(key);
            if (stream == null) {
                stream = new StreamCursors(key);
                stream.held = !heldArrays.isEmpty() && heldArrays.contains(new ArrayRef(key.service(), key.taskId()));
                stream.calibrated = legacy == null; // every line below its floor will be one it pruned
                if (legacy != null) {
                    stream.committed.raiseHighWater(legacy.highWater());
                    stream.committed.pruneBelow(legacy.prunedBelow());
                    stream.sent.copyFrom(stream.committed);
                }
                streams.put(key, stream);
                ordered.add(stream);
            }
            return stream;
        }

        /** The record's stream; a job's few streams are found without making a key. */
        StreamCursors streamOf(LogRecord record) {
            if (ordered.size() <= 16) {
                for (int i = 0; i < ordered.size(); i++) {
                    StreamCursors stream = ordered.get(i);
                    if (stream.key.holds(record)) {
                        return stream;
                    }
                }
            }
            return stream(StreamKey.of(record));
        }

        boolean legacyHolds(RecordId id) {
            return legacyHolds(id.high(), id.low());
        }

        boolean legacyHolds(long high, long low) {
            return legacy != null && legacy.contains(high, low);
        }

        boolean legacyHolds(long high, long low, long time) {
            return legacy != null && legacy.contains(high, low, time);
        }

        /** The state of an id in whichever stream holds it (for {@link #knownIds}, which knows no stream). */
        KnownIds.State state(long high, long low) {
            if (legacyHolds(high, low)) {
                return KnownIds.State.DELIVERED;
            }
            for (int i = 0; i < ordered.size(); i++) {
                StreamCursors stream = ordered.get(i);
                if (stream.sent.contains(high, low)) {
                    return stream.committed.contains(high, low) ? KnownIds.State.DELIVERED : KnownIds.State.SENT;
                }
            }
            return KnownIds.State.UNKNOWN;
        }

        /** Keeps the high waters, drops the ids. */
        void tombstone() {
            for (StreamCursors stream : streams.values()) {
                stream.tombstone();
            }
            if (legacy != null) {
                long highWater = legacy.highWater();
                legacy.clear();
                legacy.raiseHighWater(highWater);
            }
        }

        void revive() {
            for (StreamCursors stream : streams.values()) {
                stream.revive();
            }
        }

        long retainedBytes() {
            long bytes = legacy == null ? 0 : legacy.retainedBytes();
            for (StreamCursors stream : streams.values()) {
                bytes += stream.sent.retainedBytes() + stream.committed.retainedBytes();
            }
            return bytes;
        }
    }

    /** The two cursors of one (job, sink, stream). */
    private static final class StreamCursors {
        final StreamKey key;
        final IdWindow sent = new IdWindow();
        final IdWindow committed = new IdWindow();
        boolean touched; // by the commit in progress
        /**
         * Records of this stream handed to the sink and not confirmed yet: while any are, a record the
         * sink filters out is committed without raising the high water past them.
         */
        int awaitingConfirmation;
        /** Its array was cut in the last response that held it: the high water does not rise ({@link #holdArray}). */
        boolean held;
        /** Lines known below the floor beyond those pruned from {@link #committed}: counted late, or there before a start. */
        long belowFloorOffset;
        boolean calibrated;
        /** Ids at or before this (epoch ns) may be without the level (checkpoint format 2); EMPTY for none. */
        long idsWithoutLevelUntil = IdWindow.EMPTY;

        /** {@link #idsWithoutLevelUntil} while any such id can still be held: gone once both windows pruned past it. */
        long idsWithoutLevelUntil() {
            if (idsWithoutLevelUntil != IdWindow.EMPTY && committed.prunedBelow() > idsWithoutLevelUntil
                    && sent.prunedBelow() > idsWithoutLevelUntil) {
                idsWithoutLevelUntil = IdWindow.EMPTY;
            }
            return idsWithoutLevelUntil;
        }

        StreamCursors(StreamKey key) {
            this.key = key;
        }

        void tombstone() {
            long highWater = committed.highWater();
            committed.clear();
            committed.raiseHighWater(highWater);
            sent.copyFrom(committed);
        }

        /** A tombstone holds no ids: its floor goes above its high water, where nothing is held. */
        void revive() {
            long highWater = committed.highWater();
            if (highWater != IdWindow.EMPTY && highWater < Long.MAX_VALUE) {
                committed.pruneBelow(highWater + 1);
            }
            sent.copyFrom(committed);
            calibrated = false; // the old lines below the floor are counted by the first poll, not late
        }
    }
}
