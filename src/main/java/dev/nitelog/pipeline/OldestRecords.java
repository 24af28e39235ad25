package dev.nitelog.pipeline;

import dev.nitelog.record.LogRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The oldest records of a response within a byte budget: what {@link StreamOrder} hands on when
 * the response cannot be sorted on disk (the spool full or not writable).
 *
 * <p>Why it is safe: every record left out is newer than every record kept, so the streams' high
 * waters may rise to what is handed on and the next poll, fetching the response again, takes the
 * next oldest. A time is never split between kept and left out (a lateness of zero puts a line at
 * its stream's high water on the floor, where ids are not kept): when the budget overflows, every
 * record at the newest time kept goes, and from then on nothing at or after that time is taken.
 */
final class OldestRecords {
    private static final Comparator<Held> NEWEST_FIRST =
            Comparator.comparing((Held held) -> held.record().timestamp()).reversed();

    private final long budgetBytes;
    private final PriorityQueue<Held> held = new PriorityQueue<>(NEWEST_FIRST);
    private long heldBytes;
    private long arrivals;
    private Instant cutoff; // the oldest time left out: every record kept is older
    private long leftOut;

    OldestRecords(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Keeps {@code record} if it is among the oldest that fit. */
    void add(LogRecord record) {
        if (cutoff != null && !record.timestamp().isBefore(cutoff)) {
            leftOut++;
            return;
        }
        held.add(new Held(record, arrivals++));
        heldBytes += record.approximateBytes();
        while (heldBytes > budgetBytes && !held.isEmpty()) {
            leaveOutNewest();
        }
    }

    /** Whether the budget overflowed: records at or after the cutoff are left out from now on. */
    boolean overflowed() {
        return cutoff != null;
    }

    /** Counts records left out without looking at them (all known to be at or after the cutoff). */
    void leaveOut(long records) {
        leftOut += records;
    }

    /** Records left out: newer than every record kept. */
    long leftOut() {
        return leftOut;
    }

    /** The records kept, oldest first; records of equal time in the order they were added. */
    List<LogRecord> oldestFirst() {
        List<Held> kept = new ArrayList<>(held);
        kept.sort(Comparator.comparing((Held h) -> h.record().timestamp()).thenComparingLong(Held::arrival));
        List<LogRecord> records = new ArrayList<>(kept.size());
        for (Held h : kept) {
            records.add(h.record());
        }
        return records;
    }

    private void leaveOutNewest() {
        Instant newest = held.peek().record().timestamp();
        cutoff = newest;
        while (!held.isEmpty() && !held.peek().record().timestamp().isBefore(newest)) {
            heldBytes -= held.remove().record().approximateBytes();
            leftOut++;
        }
    }

    /** A record with its arrival number, which keeps equal times in the response's order. */
    private record Held(LogRecord record, long arrival) { }
}
