package dev.nitelog.bytenite;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Numbers identical lines within one response without an object per line: a multiset of the
 * 128-bit hashes of identity tuples without their occurrence (the timestamp included, so only
 * true repeats share a key). {@link #next} answers how many times the tuple was seen before.
 *
 * <p>Flat open addressing over one long array (key, generation|count per slot: 16 bytes, so a slot
 * never straddles a cache line). The key is 64 bits of the 128-bit hash: two different tuples that
 * share them (about one pair in 2^25 responses of a million lines) only number each other's
 * repeats on, the same way in every response, and their ids still differ, since an id hashes
 * the whole tuple with its occurrence. Slots of an older generation count as free, so
 * {@link #reset} is O(1) and a counter is reused from response to response; the table grows with
 * the response (about 32 bytes per counted line at worst).
 * A parse {@link #borrow borrows} a counter and {@link #giveBack gives it back}: a few idle
 * counters are kept, with tables of a modest size, so what this costs between responses is bounded
 * by the cores, not by the poll threads or the largest response ever parsed. Not thread-safe:
 * one parse uses a counter at a time.
 */
final class OccurrenceCounter {
    private static final int MIN_SLOTS = 64;
    /** The largest table kept between responses: 32k slots, 512 KB, a 2m window at 100 lines/s. */
    static final int RETAINED_SLOTS = 32 * 1024;
    /** Idle counters kept: as many as parses can run at once on this machine's cores. */
    static final int KEPT_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());
    /*
     * Not one per thread: after one job's 1M-line backlog, seven of eight idle poll threads each
     * held a 50 MB table (305 MB of a 1g heap), and the 768 KB tables kept per poll thread
     * afterwards still made one job's heap grow with the number of threads that had ever parsed.
     */
    private static final ArrayBlockingQueue<OccurrenceCounter> IDLE = new ArrayBlockingQueue<>(KEPT_IDLE);

    private long[] table = new long[2 * MIN_SLOTS];
    private int mask = MIN_SLOTS - 1;
    private int generation = 1;
    private int size;
    private int peak; // the most keys held in the current and the previous response

    /** An idle counter, or a new one, reset for a new response; {@link #giveBack} it when done. */
    static OccurrenceCounter borrow() {
        OccurrenceCounter counter = IDLE.poll();
        if (counter == null) {
            counter = new OccurrenceCounter();
        }
        counter.reset();
        return counter;
    }

    /**
     * Ends a response: the counter is kept for the next one, its table cut to the retained size,
     * unless enough counters are idle already. Keys counted since the last {@link #reset} are gone.
     */
    void giveBack() {
        if (mask + 1 > RETAINED_SLOTS) {
            replaceTable(size);
            peak = Math.max(peak, size);
            size = 0;
            generation = 1; // the new table's zeroed slots belong to generation 0: free
        }
        IDLE.offer(this); // false when enough are idle: this one is garbage then
    }

    /** Forgets every key. */
    void reset() {
        int slots = mask + 1;
        if (slots > MIN_SLOTS && Math.max(peak, size) < slots / 16) { // giveBack already cut oversized tables
            replaceTable(size);
        }
        peak = size;
        size = 0;
        if (++generation == 0 || generation == Integer.MAX_VALUE) { // wrapped: clear for real
            java.util.Arrays.fill(table, 0);
            generation = 1;
        }
    }

    /**
     * Forgets the keys of the array of lines just read, in O(1), keeping the table's size:
     * identical tuples share their job, service and task, so they never span two arrays, and the
     * table then holds one task's lines at a time, not the whole response's.
     */
    void nextArray() {
        peak = Math.max(peak, size);
        size = 0;
        if (++generation == 0 || generation == Integer.MAX_VALUE) { // wrapped: clear for real
            java.util.Arrays.fill(table, 0);
            generation = 1;
        }
    }

    /** The slots of each idle counter's table, for tests. */
    static List<Integer> idleSlots() {
        return IDLE.stream().map(c -> c.mask + 1).toList();
    }

    /** The number of earlier calls with this key since the last reset; counts this one. */
    int next(long high, long low) {
        long key = high ^ Long.rotateLeft(low, 32);
        long gen = (long) generation << 32;
        int i = home(key);
        while (true) {
            int at = 2 * i;
            long meta = table[at + 1];
            if ((meta & 0xFFFF_FFFF_0000_0000L) != gen) { // free in this generation
                table[at] = key;
                table[at + 1] = gen | 1;
                if (2 * ++size > mask + 1) {
                    grow();
                }
                return 0;
            }
            if (table[at] == key) {
                table[at + 1] = meta + 1;
                return (int) meta;
            }
            i = (i + 1) & mask;
        }
    }

    /** A fresh table for about {@code keys} keys, at most the retained size; the caller sets the generation. */
    private void replaceTable(int keys) {
        table = new long[2 * Math.min(RETAINED_SLOTS, Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, keys)) * 4))];
        mask = table.length / 2 - 1;
        generation = 0;
    }

    private int home(long key) {
        return (int) (key ^ (key >>> 32)) & mask; // MurmurHash3 output: uniform already
    }

    private void grow() {
        long[] old = table;
        long gen = (long) generation << 32;
        table = new long[2 * old.length];
        mask = table.length / 2 - 1;
        for (int at = 0; at < old.length; at += 2) {
            if ((old[at + 1] & 0xFFFF_FFFF_0000_0000L) == gen) {
                int i = home(old[at]);
                while ((table[2 * i + 1] & 0xFFFF_FFFF_0000_0000L) == gen) {
                    i = (i + 1) & mask;
                }
                table[2 * i] = old[at];
                table[2 * i + 1] = old[at + 1];
            }
        }
    }
}
