package dev.nitelog.bytenite;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Numbers identical lines within one array of a response (one task's log) without an object per
 * line, in bounded memory however long the array: {@link #next} answers how many identical lines
 * came before, over keys of 64 bits of the 128-bit hash of the identity tuple without its
 * occurrence (the timestamp included, so only lines with the same timestamp can be repeats).
 *
 * <p><b>The bound.</b> Time is cut in aligned buckets of {@link #BUCKET_NANOS}. Every entry of the
 * array, whether the parser keeps it or drops it below the floor, tells {@link #seen} its timestamp;
 * the newest one seen so far is in bucket B. A key lives in the table of its own bucket while that
 * is B or B-1; when B moves on, the older tables are dropped in O(1). A line stamped before bucket
 * B-1 is <em>late</em> (out of the array's time order by more than a bucket): it is numbered in a
 * separate late table, from {@link #LATE_BASE} on, and never looked up in the bucket tables. So a
 * repeat whose key was dropped can never restart at 0 and take an earlier line's id: once its key's
 * bucket is gone, every later copy is late by the same rule and counted in the late table, which
 * drops nothing. Numbers stay exact in both spaces, and the two never meet (a bucket holds far
 * fewer than {@link #LATE_BASE} lines).
 *
 * <p><b>The same numbers in every response.</b> Whether a line is late depends only on the
 * timestamps before it in the array, of every entry, below the floor or not: not on the floor, which
 * moves from poll to poll. Lines appended to the log, and late lines the API sorts into place, do not
 * change the newest timestamp before an existing line, so an existing line keeps its number. A job
 * logging in time order (or out of order by less than a bucket) has no late line and numbers as
 * before, from 0.
 *
 * <p><b>Overflow.</b> Each table holds at most {@link #MAX_SLOTS} slots, three quarters of them used:
 * more distinct lines of one array in two buckets, or more late ones, than that. Then {@link #next}
 * answers {@link #OVERFLOW} for that line and every later one of the array (numbers after a missed
 * key could collide): the parser defers them, as it defers lines the sinks cannot take, so they are
 * neither shipped under a wrong id nor skipped, and the round holds the job's high water.
 *
 * <p>Slots are (key, generation|count), 16 bytes, so a slot never straddles a cache line. Two
 * different tuples sharing 64 bits of hash (about one pair in 2^25 arrays of a million lines) only
 * number each other's repeats on, the same way in every response; their ids still differ, since an
 * id hashes the whole tuple with its occurrence. A parse {@link #borrow borrows} a counter and
 * {@link #giveBack gives it back}: a few idle counters are kept, their tables cut to a modest size,
 * so what this costs between responses is bounded by the cores, not by the poll threads. Not
 * thread-safe: one parse uses a counter at a time.
 */
final class OccurrenceCounter {
    /** Width of a time bucket: lines more out of order than this within their array are numbered as late. */
    static final long BUCKET_NANOS = 1_000_000_000L;
    /** The largest table: 8 MB, 393,216 keys; two bucket tables and the late table make 24 MB at most. */
    static final int MAX_SLOTS = 1 << 19;
    /** The first number of a late line: far above any count a bucket table reaches. */
    static final int LATE_BASE = 1 << 30;
    /** {@link #next}'s answer once a table of this array is full: the line cannot be numbered. */
    static final int OVERFLOW = -1;
    /** The largest table kept between responses: 32k slots, 512 KB. */
    static final int RETAINED_SLOTS = 32 * 1024;
    /** Idle counters kept: as many as parses can run at once on this machine's cores. */
    static final int KEPT_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());
    /*
     * Not one per thread: after one job's 1M-line backlog, seven of eight idle poll threads each
     * held a 50 MB table (305 MB of a 1g heap), and the 768 KB tables kept per poll thread
     * afterwards still made one job's heap grow with the number of threads that had ever parsed.
     */
    private static final ArrayBlockingQueue<OccurrenceCounter> IDLE = new ArrayBlockingQueue<>(KEPT_IDLE);

    private Table current = new Table(); // bucket B
    private Table previous = new Table(); // bucket B-1
    private final Table late = new Table();
    private long bucket = Long.MIN_VALUE; // B: the bucket of the newest timestamp seen in the array
    private boolean overflowed;

    /** An idle counter, or a new one, reset for a new response; {@link #giveBack} it when done. */
    static OccurrenceCounter borrow() {
        OccurrenceCounter counter = IDLE.poll();
        if (counter == null) {
            counter = new OccurrenceCounter();
        }
        counter.nextArray();
        return counter;
    }

    /** Ends a response: the counter is kept for the next one, its tables cut to the retained size. */
    void giveBack() {
        current.trim();
        previous.trim();
        late.trim();
        IDLE.offer(this); // false when enough are idle: this one is garbage then
    }

    /**
     * Forgets every key, in O(1): identical tuples share their job, service and task, so they never
     * span two arrays, and the counter holds one array's lines at a time.
     */
    void nextArray() {
        current.clear();
        previous.clear();
        late.clear();
        bucket = Long.MIN_VALUE;
        overflowed = false;
    }

    /** The idle counters' table sizes in slots, for tests. */
    static List<Integer> idleSlots() {
        return IDLE.stream().mapToInt(c -> Math.max(c.late.slots(), Math.max(c.current.slots(), c.previous.slots())))
                .boxed().toList();
    }

    /** An entry of the array stamped {@code epochNanos}, kept or not: moves the buckets on. */
    void seen(long epochNanos) {
        long b = Math.floorDiv(epochNanos, BUCKET_NANOS);
        if (b <= bucket) {
            return;
        }
        if (b == bucket + 1) {
            Table dropped = previous;
            previous = current;
            current = dropped;
        } else {
            previous.clear();
        }
        current.clear();
        bucket = b;
    }

    /**
     * The number of earlier lines of the array with this key (counting this one), from
     * {@link #LATE_BASE} for a late line, or {@link #OVERFLOW}.
     */
    int next(long high, long low, long epochNanos) {
        if (overflowed) {
            return OVERFLOW;
        }
        seen(epochNanos);
        long key = high ^ Long.rotateLeft(low, 32);
        long b = Math.floorDiv(epochNanos, BUCKET_NANOS);
        Table table = b == bucket ? current : b == bucket - 1 ? previous : late;
        int count = table.next(key);
        if (count < 0) {
            overflowed = true;
            return OVERFLOW;
        }
        return table == late ? LATE_BASE + count : count;
    }

    /** One multiset of keys: flat open addressing, slots of an older generation count as free. */
    private static final class Table {
        private static final int MIN_SLOTS = 64;

        private long[] table = new long[2 * MIN_SLOTS];
        private int mask = MIN_SLOTS - 1;
        private int generation = 1;
        private int size;
        private int peak; // the most keys held since the last trim

        int slots() {
            return mask + 1;
        }

        /** Forgets every key in O(1). */
        void clear() {
            peak = Math.max(peak, size);
            size = 0;
            if (++generation == 0 || generation == Integer.MAX_VALUE) { // wrapped: clear for real
                java.util.Arrays.fill(table, 0);
                generation = 1;
            }
        }

        /** Between responses: an oversized table, or one far larger than its recent use, is replaced. */
        void trim() {
            clear();
            if (slots() > RETAINED_SLOTS || (slots() > MIN_SLOTS && peak < slots() / 16)) {
                table = new long[2 * Math.min(RETAINED_SLOTS,
                        Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, peak)) * 4))];
                mask = table.length / 2 - 1;
                generation = 1; // the new table's zeroed slots belong to generation 0: free
            }
            peak = 0;
        }

        /** Earlier calls with this key since the last clear, counting this one; -1 when full. */
        int next(long key) {
            long gen = (long) generation << 32;
            int i = home(key);
            while (true) {
                int at = 2 * i;
                long meta = table[at + 1];
                if ((meta & 0xFFFF_FFFF_0000_0000L) != gen) { // free in this generation
                    if (4 * size >= 3 * MAX_SLOTS) {
                        return -1;
                    }
                    table[at] = key;
                    table[at + 1] = gen | 1;
                    if (2 * ++size > mask + 1 && mask + 1 < MAX_SLOTS) {
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
}
