package dev.nitelog.bytenite;

/**
 * Numbers identical lines within one response without an object per line: a multiset of the
 * 128-bit hashes of identity tuples without their occurrence (the timestamp included, so only
 * true repeats share a key). {@link #next} answers how many times the tuple was seen before.
 *
 * <p>Flat open addressing over one long array (high, low, generation|count per slot). Slots of an
 * older generation count as free, so {@link #reset} is O(1) and one counter serves every response
 * a poll thread parses; the table grows with the response (about 48 bytes per kept line at
 * worst) and {@link #release} lets a table beyond a modest size go as soon as the response is
 * parsed. Not thread-safe.
 */
final class OccurrenceCounter {
    private static final int MIN_SLOTS = 64;
    /** The largest table a thread keeps between responses: 32k slots, 768 KB, a 2m window at 100 lines/s. */
    private static final int RETAINED_SLOTS = 32 * 1024;
    private static final ThreadLocal<OccurrenceCounter> PER_THREAD = ThreadLocal.withInitial(OccurrenceCounter::new);

    private long[] table = new long[3 * MIN_SLOTS];
    private int mask = MIN_SLOTS - 1;
    private int generation = 1;
    private int size;
    private int peak; // the most keys held in the current and the previous response

    /** This thread's counter, reset for a new response. */
    static OccurrenceCounter forResponse() {
        OccurrenceCounter counter = PER_THREAD.get();
        counter.reset();
        return counter;
    }

    /** Forgets every key. */
    void reset() {
        int slots = mask + 1;
        if (slots > RETAINED_SLOTS || (slots > MIN_SLOTS && Math.max(peak, size) < slots / 16)) {
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
     * Ends a response. A table grown beyond what a thread keeps between responses is let go now,
     * not at the thread's next response: every poll thread that took a 1M-line backlog held its
     * 50 MB table while idle (seven of eight held 305 MB after one job's backlog was shipped), and
     * earlier, one beside the next responses' records made a 64 MB heap run out. Keys counted
     * since the last {@link #reset} are gone when the table is.
     */
    void release() {
        if (mask + 1 > RETAINED_SLOTS) {
            replaceTable(size);
            peak = Math.max(peak, size);
            size = 0;
            generation = 1; // the new table's zeroed slots belong to generation 0: free
        }
    }

    /** The slots of the table held now, for tests. */
    int slots() {
        return mask + 1;
    }

    /** This thread's counter as it is, for tests. */
    static OccurrenceCounter ofThisThread() {
        return PER_THREAD.get();
    }

    /** The number of earlier calls with this key since the last reset; counts this one. */
    int next(long high, long low) {
        long gen = (long) generation << 32;
        int i = home(high, low);
        while (true) {
            int at = 3 * i;
            long meta = table[at + 2];
            if ((meta & 0xFFFF_FFFF_0000_0000L) != gen) { // free in this generation
                table[at] = high;
                table[at + 1] = low;
                table[at + 2] = gen | 1;
                if (2 * ++size > mask + 1) {
                    grow();
                }
                return 0;
            }
            if (table[at] == high && table[at + 1] == low) {
                table[at + 2] = meta + 1;
                return (int) meta;
            }
            i = (i + 1) & mask;
        }
    }

    /** A fresh table for about {@code keys} keys, at most the retained size; the caller sets the generation. */
    private void replaceTable(int keys) {
        table = new long[3 * Math.min(RETAINED_SLOTS, Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, keys)) * 4))];
        mask = table.length / 3 - 1;
        generation = 0;
    }

    private int home(long high, long low) {
        long h = high ^ low; // MurmurHash3 output: uniform already
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] old = table;
        long gen = (long) generation << 32;
        table = new long[2 * old.length];
        mask = table.length / 3 - 1;
        for (int at = 0; at < old.length; at += 3) {
            if ((old[at + 2] & 0xFFFF_FFFF_0000_0000L) == gen) {
                int i = home(old[at], old[at + 1]);
                while ((table[3 * i + 2] & 0xFFFF_FFFF_0000_0000L) == gen) {
                    i = (i + 1) & mask;
                }
                table[3 * i] = old[at];
                table[3 * i + 1] = old[at + 1];
                table[3 * i + 2] = old[at + 2];
            }
        }
    }
}
