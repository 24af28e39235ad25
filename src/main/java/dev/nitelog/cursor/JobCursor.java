package dev.nitelog.cursor;

import dev.nitelog.record.KnownIds;
import dev.nitelog.record.LogRecord;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One job's side of the cursor protocol, as a poll speaks it. A poll calls, in this order:
 * <ol>
 *   <li>{@link #beginPoll} per request: the parser's view of what every sink already has;</li>
 *   <li>{@link #offer} per chunk of new records and sink: what that sink lacks, now marked sent;
 *       {@link #confirmed} tells whether the sink confirmed a chunk's lines already;</li>
 *   <li>{@link #endPoll} once the request's response is read: late lines, and which arrays were
 *       read whole or cut (a cut array's streams keep their high water until read whole);</li>
 *   <li>{@link #endRound} once per poll: whether the round saw every line, and every sink
 *       confirmed all of them.</li>
 * </ol>
 * Sink workers confirm through {@link Cursors#commit} and {@link Cursors#rollback}, since one batch
 * mixes jobs. A handle onto {@link Cursors}, which owns the state and its locks; cheap to make.
 */
public final class JobCursor {
    private final Cursors cursors;
    private final String jobId;

    JobCursor(Cursors cursors, String jobId) {
        this.cursors = cursors;
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }

    /**
     * Starts one request of a poll for {@code sinks}: per stream, the floor below which every sink
     * has everything and the state of a line's id. Hand it to {@link #endPoll} once read.
     */
    public Cursors.PollView beginPoll(Collection<String> sinks) {
        return cursors.beginPoll(jobId, sinks);
    }

    /**
     * The records this sink has not been handed yet and {@code wants} (its level and service
     * filters), in the given order, now marked sent; at most {@code maxRecords} of them (the room
     * the sink has), the rest stay unsent for a later offer. A new record the sink does not want
     * takes no room and counts as confirmed, without letting the committed cursor pass records
     * still awaiting confirmation. Also counts lines found late and lines stamped in the future.
     */
    public Unsent offer(String sink, List<LogRecord> records, int maxRecords, Predicate<LogRecord> wants) {
        return cursors.takeUnsent(jobId, sink, records, maxRecords, wants);
    }

    /** As {@link #offer(String, List, int, Predicate)} with no limit, for a sink that wants every record. */
    public Unsent offer(String sink, List<LogRecord> records) {
        return cursors.takeUnsent(jobId, sink, records, Integer.MAX_VALUE, Cursors.ALL);
    }

    /**
     * True when the sink confirmed every one of {@code records} (or they lie below its window): a
     * draining job is retired only once this holds for every sink.
     */
    public boolean confirmed(String sink, List<LogRecord> records) {
        return cursors.allCommitted(jobId, sink, records);
    }

    /**
     * Ends one request begun with {@link #beginPoll}. For a whole response, counts the lines that
     * arrived later than the lateness (below a stream's floor beyond what was shipped there). Arrays
     * read whole release their streams' hold; the array a cut fell in is held: its streams' high
     * water stays until a response holds it whole, as its unread part may hold older lines.
     *
     * @return the lines found late
     */
    public int endPoll(Cursors.PollView view, ResponseRead read) {
        int late = read.whole() ? cursors.endPoll(view) : 0; // a cut response's below-floor counts are partial
        if (cursors.holdsAnyArray(jobId)) {
            for (ArrayRef array : read.arraysReadWhole()) {
                cursors.holdArray(jobId, array, false);
            }
        }
        read.cutIn().ifPresent(array -> cursors.holdArray(jobId, array, true));
        return late;
    }

    /**
     * Ends a poll. A round that did not see every new line (its response was cut where it could not
     * be split, or the sinks took no more) holds the job's high water: the lines not seen may be
     * older than any seen. A settled round (every line seen and confirmed by every sink) lets
     * every high water rise to its newest id, as if nothing had been held.
     *
     * @param whole   no line the round left unhanded can be older than one it handed on: the response
     *                was not cut, and lines it deferred, if any, wait only for room (each stream was
     *                handed its oldest new lines first); otherwise the high waters are held
     * @param settled and every sink confirmed all of them (implies {@code whole})
     */
    public void endRound(boolean whole, boolean settled) {
        cursors.holdHighWater(jobId, !whole);
        if (whole && settled) {
            cursors.settled(jobId);
        }
    }

    /** Records of the job handed to the sink and not confirmed yet (queued, spooled, or written and not flushed). */
    public long awaitingConfirmation(String sink) {
        return cursors.awaitingConfirmation(jobId, sink);
    }

    /** True while any array of the job is held because a response was cut inside it. */
    public boolean holdsAnyArray() {
        return cursors.holdsAnyArray(jobId);
    }

    /**
     * Marks the job done: each stream's high water stays as a tombstone (a rediscovered job is not
     * shipped again) and the id windows are freed.
     */
    public void retire(Instant when) {
        cursors.retire(jobId, when);
    }

    /**
     * For callers that know no streams (the {@code logs} command): the instant below which none of
     * {@code sinks} needs anything of the job; empty until each of them committed something.
     */
    public Optional<Instant> skipFloor(Collection<String> sinks) {
        return Optional.ofNullable(cursors.skipFloor(jobId, sinks));
    }

    /** For callers that know no streams: whether every one of {@code sinks} holds an id, in any stream. */
    public KnownIds knownIds(Collection<String> sinks) {
        return cursors.knownIds(jobId, sinks);
    }
}
