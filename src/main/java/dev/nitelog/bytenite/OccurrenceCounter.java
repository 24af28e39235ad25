package dev.nitelog.bytenite;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Numbers identical lines within one array of a response (one task's log) without an object per
 * line, in bounded memory however long the array and whatever its order: {@link #next} answers how
 * many identical lines came before, over keys of 64 bits of the 128-bit hash of the identity tuple
 * without its occurrence (the timestamp included, so only lines of the same second can be repeats).
 *
 * <p><b>Buckets.</b> Time is cut in aligned seconds ({@link #BUCKET_NANOS}). Every entry of the
 * array, whether the parser keeps it or drops it below the floor, tells {@link #seen} its timestamp:
 * that <em>touches</em> the bucket of its own second and counts one entry there. The counter keeps
 * the keys of recently touched buckets; when they hold more than {@code maxEntries} entries in all,
 * or there are more than {@code maxBuckets} of them, the least recently touched bucket is evicted.
 * An entry bounds the keys it can add, so the entries, not the keys, are budgeted: which bucket is
 * evicted when then depends on the timestamps alone, never on the floor, which moves from poll to
 * poll. A bucket that alone reaches {@code maxEntries} is evicted at its next entry.
 *
 * <p><b>Numbers.</b> Each second has an epoch: 0 until its bucket is first evicted, one more at each
 * eviction, remembered per array for every evicted second. A line of a kept bucket continues its
 * bucket's count; a line of a second never seen in the array opens a bucket at epoch 0, numbered
 * from 0 as an unbounded count would; a line of an evicted second opens a bucket at the next epoch,
 * numbered from {@link #LATE_BASE} + (epoch - 1) x {@link #EPOCH_STRIDE}. A bucket holds fewer entries
 * than a stride, so the ranges of a second's epochs never meet: a repeat whose key was dropped never
 * restarts at 0 (or at an earlier epoch's base) to take an earlier line's id. Within one response
 * distinct lines can therefore never share an id, by construction; an id known from an earlier
 * response names a line with the same tuple, so a line whose number changes between responses is at
 * worst shipped twice, never lost.
 *
 * <p><b>The same numbers in every response.</b> A line's number depends on the timestamps of the
 * entries before it in the array and on its repeats among them. Loki lists each of its streams in time
 * order (in one direction or the other), so a second's lines come together, and a bucket is evicted
 * only after all of them, once a budget's worth of other entries or seconds came after it. Hence:
 * <ul>
 * <li>Oldest first: appended lines come after every existing one. A late-ingested line the API sorts
 * into place joins the bucket of its second while it is kept, as an unbounded count would: it only
 * moves the evictions after it by one entry, and those evict buckets whose lines are all behind.</li>
 * <li>Newest first: new lines are prepended in newer seconds; an existing second's lines still come
 * together, their bucket opened at their first line and kept to their last. The prepended lines only
 * move evictions of buckets already done with.</li>
 * <li>Streams concatenated one after another (each container's lines in turn): a later stream meets
 * the seconds of an earlier one either still kept, or evicted (then numbered from {@link #LATE_BASE}).
 * Once the earlier stream is longer than the budget, each of the later stream's lines meets its
 * second evicted in every response, since the earlier stream only grows in between.</li>
 * </ul>
 * What remains unstable are lines whose second's bucket is evicted between them and that second's
 * other lines, in some responses only: a line out of its stream's order by more than the budget, the
 * later streams of a concatenation while the earlier stream grows past the budget, a second with more
 * than {@code maxEntries} entries (lines inserted before the cut move it). Each such line is shipped
 * twice at most once per change, never lost.
 *
 * <p><b>Memory.</b> The kept buckets' tables hold at most {@link #MAX_ENTRIES} keys (16 B a slot, at
 * most four slots a key: 16 MB at most) in at most {@link #MAX_BUCKETS} buckets (about 200 B each
 * besides), and emptied key arrays kept for reuse at most {@link SpareArrays#MAX_SLOTS} slots (4 MB,
 * 512 KB between responses). The evicted seconds take one long each in an open-addressing set at most three quarters
 * and at least three eighths full: 11 to 22 bytes per distinct evicted second of the array (a task that
 * logged in each second of a day: under 2 MB), at most {@link #MAX_EVICTED_SECONDS} of them (8 MB).
 *
 * <p><b>Overflow.</b> A second evicted more than {@link #MAX_EPOCH} times, or more evicted seconds than
 * the set holds: then {@link #next} answers {@link #OVERFLOW} for that line and every later one of the
 * array (a number past a forgotten eviction could collide): the parser defers them, as it defers lines
 * the sinks cannot take, so they are neither shipped under a wrong id nor skipped, and the round holds
 * the job's high water. Like evictions, where that happens depends on the timestamps alone.
 *
 * <p>Two different tuples sharing 64 bits of hash (about one pair in 2^25 arrays of a million lines)
 * only number each other's repeats on, the same way in every response; their ids still differ, since an
 * id hashes the whole tuple with its occurrence. A parse {@link #borrow borrows} a counter and
 * {@link #giveBack gives it back}: a few idle counters are kept, their sets cut to a modest size, so
 * what this costs between responses is bounded by the cores, not by the poll threads. Not
 * thread-safe: one parse uses a counter at a time.
 */
final class OccurrenceCounter {
    /** Width of a bucket: identical lines share a timestamp, so they share a bucket. */
    static final long BUCKET_NANOS = 1_000_000_000L;
    /** Entries the kept buckets hold in all: each adds at most one key. */
    static final int MAX_ENTRIES = 1 << 18;
    /** Buckets kept at most. */
    static final int MAX_BUCKETS = 1 << 14;
    /** Distinct evicted seconds remembered per array: three quarters of a 2^20-slot set of longs, 8 MB. */
    static final int MAX_EVICTED_SECONDS = 3 << 18;
    /** The first number of epoch 1, far above any count a bucket reaches. */
    static final int LATE_BASE = 1 << 30;
    /** The numbers of one epoch: more than a bucket's entries ({@link #MAX_ENTRIES}). */
    static final int EPOCH_STRIDE = 1 << 20;
    /** The last epoch whose numbers fit an int. */
    static final int MAX_EPOCH = 1 + (Integer.MAX_VALUE - LATE_BASE) / EPOCH_STRIDE;
    /** {@link #next}'s answer once the array cannot be numbered safely any more. */
    static final int OVERFLOW = -1;
    /** The largest evicted-seconds set, and the most spare key slots, kept between responses: 32k slots. */
    static final int RETAINED_SLOTS = 32 * 1024;
    /** Emptied buckets kept for reuse: a re-read of a long log cycles thousands; about 600 KB at most. */
    private static final int MAX_SPARE_BUCKETS = 4096;
    /** Idle counters kept: as many as parses can run at once on this machine's cores. */
    static final int KEPT_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());
    /*
     * Not one per thread: after one job's 1M-line backlog, seven of eight idle poll threads each
     * held a 50 MB table (305 MB of a 1g heap), and the 768 KB tables kept per poll thread
     * afterwards still made one job's heap grow with the number of threads that had ever parsed.
     */
    private static final ArrayBlockingQueue<OccurrenceCounter> IDLE = new ArrayBlockingQueue<>(KEPT_IDLE);

    private final int maxEntries;
    private final int maxBuckets;
    /** Kept buckets by second, and in touch order: no object or boxed key per second. */
    private final KeptBuckets kept = new KeptBuckets();
    private final EvictedSeconds evicted;
    /** Emptied small key arrays and buckets, reused: a second's bucket must not cost allocations per line. */
    private final SpareArrays spare = new SpareArrays();
    private final java.util.ArrayDeque<Bucket> spareBuckets = new java.util.ArrayDeque<>();
    private Bucket current; // the bucket of the entry seen last
    private long entries; // in the kept buckets
    private boolean overflowed;

    OccurrenceCounter() {
        this(MAX_ENTRIES, MAX_BUCKETS, MAX_EVICTED_SECONDS);
    }

    /** A counter with smaller budgets, for tests. */
    OccurrenceCounter(int maxEntries, int maxBuckets, int maxEvictedSeconds) {
        if (maxEntries < 1 || maxEntries >= EPOCH_STRIDE || maxBuckets < 1) {
            throw new IllegalArgumentException("budgets " + maxEntries + ", " + maxBuckets);
        }
        this.maxEntries = maxEntries;
        this.maxBuckets = maxBuckets;
        this.evicted = new EvictedSeconds(maxEvictedSeconds);
    }

    /** An idle counter, or a new one, reset for a new response; {@link #giveBack} it when done. */
    static OccurrenceCounter borrow() {
        OccurrenceCounter counter = IDLE.poll();
        if (counter == null) {
            counter = new OccurrenceCounter();
        }
        counter.nextArray();
        return counter;
    }

    /** Ends a response: the counter is kept for the next one, its tables dropped or cut to the retained size. */
    void giveBack() {
        nextArray();
        evicted.trim();
        spare.trim();
        IDLE.offer(this); // false when enough are idle: this one is garbage then
    }

    /**
     * Forgets every key and second: identical tuples share their job, service and task, so they
     * never span two arrays, and the counter holds one array's lines at a time.
     */
    void nextArray() {
        kept.clear(this::recycle);
        evicted.clear();
        current = null;
        entries = 0;
        overflowed = false;
    }

    /** The idle counters' slots: of their evicted-seconds set and their spare key arrays, for tests. */
    static List<Integer> idleSlots() {
        return IDLE.stream().map(c -> (int) Math.max(c.evicted.slots(), c.spare.slots())).toList();
    }

    /**
     * An entry of the array stamped {@code epochNanos}, kept or not, once per entry: touches its
     * bucket, evicting others past the budget.
     */
    void seen(long epochNanos) {
        if (overflowed) {
            return;
        }
        long second = Math.floorDiv(epochNanos, BUCKET_NANOS);
        Bucket bucket = current != null && current.second == second ? current : kept.touch(second);
        if (bucket != null && bucket.entries == maxEntries) {
            evict(bucket); // alone at the budget: its later lines go on in the next epoch
            bucket = null;
        }
        if (bucket == null) {
            int epoch = evicted.epoch(second);
            if (overflowed || epoch > MAX_EPOCH) {
                overflow();
                return;
            }
            bucket = spareBuckets.isEmpty() ? new Bucket() : spareBuckets.poll();
            bucket.open(second, epoch, spare);
            kept.add(bucket);
        }
        bucket.entries++;
        entries++;
        current = bucket;
        while (entries > maxEntries || kept.size() > maxBuckets) {
            evict(kept.eldest()); // never the current one: it was touched last
        }
    }

    /**
     * The number of the line of the entry {@link #seen} last, with this key: its repeats before it in
     * its bucket, from its epoch's base; or {@link #OVERFLOW}.
     */
    int next(long high, long low) {
        if (overflowed) {
            return OVERFLOW;
        }
        if (current == null) {
            throw new IllegalStateException("next before seen");
        }
        int count = current.table.next(high ^ Long.rotateLeft(low, 32), spare);
        return current.epoch == 0 ? count : LATE_BASE + (current.epoch - 1) * EPOCH_STRIDE + count;
    }

    private void evict(Bucket bucket) {
        kept.remove(bucket);
        entries -= bucket.entries;
        if (!evicted.put(bucket.second, bucket.epoch + 1)) {
            overflow(); // the set cannot remember it: a later line of that second could take an earlier number
        }
        recycle(bucket);
    }

    private void recycle(Bucket bucket) {
        bucket.table.close(spare);
        if (spareBuckets.size() < MAX_SPARE_BUCKETS) {
            spareBuckets.add(bucket);
        }
    }

    private void overflow() {
        overflowed = true;
        current = null;
    }

    /** One second's kept keys in one epoch. */
    private static final class Bucket {
        long second;
        int epoch;
        int entries;
        final Table table = new Table();
        Bucket older; // touch order, within KeptBuckets
        Bucket newer;

        void open(long second, int epoch, SpareArrays spare) {
            this.second = second;
            this.epoch = epoch;
            entries = 0;
            table.open(spare);
        }
    }

    /**
     * The kept buckets: an open-addressing index by second, and a list in touch order, least recently
     * touched first, threaded through the buckets themselves.
     */
    private static final class KeptBuckets {
        private long[] seconds = new long[64];
        private Bucket[] buckets = new Bucket[64]; // null: a free slot
        private int size;
        private Bucket eldest;
        private Bucket newest;

        int size() {
            return size;
        }

        Bucket eldest() {
            return eldest;
        }

        /** The second's bucket, now the most recently touched; null when none is kept. */
        Bucket touch(long second) {
            for (int i = home(second); ; i = next(i)) {
                Bucket bucket = buckets[i];
                if (bucket == null) {
                    return null;
                }
                if (seconds[i] == second) {
                    unlink(bucket);
                    append(bucket);
                    return bucket;
                }
            }
        }

        /** Keeps a bucket whose second is not kept yet, as the most recently touched. */
        void add(Bucket bucket) {
            if (2 * (size + 1) > buckets.length) {
                resize(2 * buckets.length);
            }
            insert(bucket);
            size++;
            append(bucket);
        }

        void remove(Bucket bucket) {
            int i = home(bucket.second);
            while (buckets[i] != bucket) {
                i = next(i);
            }
            buckets[i] = null;
            size--;
            unlink(bucket);
            // backward-shift deletion: later slots of the run move up, so look-ups never stop early
            for (int j = next(i); buckets[j] != null; j = next(j)) {
                Bucket moved = buckets[j];
                buckets[j] = null;
                insert(moved);
            }
        }

        void clear(java.util.function.Consumer<Bucket> each) {
            for (Bucket bucket = eldest; bucket != null; ) {
                Bucket newer = bucket.newer;
                bucket.older = null;
                bucket.newer = null;
                each.accept(bucket);
                bucket = newer;
            }
            eldest = null;
            newest = null;
            if (size > 0) {
                Arrays.fill(buckets, null);
                size = 0;
            }
            if (buckets.length > RETAINED_SLOTS) {
                seconds = new long[64];
                buckets = new Bucket[64];
            }
        }

        private void insert(Bucket bucket) {
            int i = home(bucket.second);
            while (buckets[i] != null) {
                i = next(i);
            }
            seconds[i] = bucket.second;
            buckets[i] = bucket;
        }

        private void resize(int length) {
            Bucket[] old = buckets;
            seconds = new long[length];
            buckets = new Bucket[length];
            for (Bucket bucket : old) {
                if (bucket != null) {
                    insert(bucket);
                }
            }
        }

        private void append(Bucket bucket) {
            bucket.older = newest;
            bucket.newer = null;
            if (newest != null) {
                newest.newer = bucket;
            } else {
                eldest = bucket;
            }
            newest = bucket;
        }

        private void unlink(Bucket bucket) {
            if (bucket.older != null) {
                bucket.older.newer = bucket.newer;
            } else {
                eldest = bucket.newer;
            }
            if (bucket.newer != null) {
                bucket.newer.older = bucket.older;
            } else {
                newest = bucket.older;
            }
            bucket.older = null;
            bucket.newer = null;
        }

        private int home(long second) {
            return (int) ((second * 0x9E37_79B9_7F4A_7C15L) >>> 40) & (buckets.length - 1); // seconds are dense: mix
        }

        private int next(int i) {
            return (i + 1) & (buckets.length - 1);
        }
    }

    /**
     * Emptied key arrays, reused: a table grows through them, and the next array's buckets (or the
     * next response's) take those of the last, so a counter that has run a while allocates little. At
     * most {@link #MAX_SLOTS} slots are kept, {@link #RETAINED_SLOTS} between responses.
     */
    private static final class SpareArrays {
        static final int MAX_SLOTS = 1 << 18;
        @SuppressWarnings("unchecked")
        private final java.util.ArrayDeque<long[]>[] byLength = new java.util.ArrayDeque[32];
        private long slots;

        /** A zeroed array of this power-of-two length. */
        long[] take(int length) {
            java.util.ArrayDeque<long[]> same = byLength[Integer.numberOfTrailingZeros(length)];
            if (same == null || same.isEmpty()) {
                return new long[length];
            }
            slots -= length / 2;
            return same.pop();
        }

        void give(long[] array) {
            if (slots + array.length / 2 > MAX_SLOTS) {
                return;
            }
            int k = Integer.numberOfTrailingZeros(array.length);
            if (byLength[k] == null) {
                byLength[k] = new java.util.ArrayDeque<>();
            }
            Arrays.fill(array, 0);
            byLength[k].push(array);
            slots += array.length / 2;
        }

        /** Between responses: the largest arrays go first, down to the retained size. */
        void trim() {
            for (int k = byLength.length - 1; k >= 0 && slots > RETAINED_SLOTS; k--) {
                while (byLength[k] != null && !byLength[k].isEmpty() && slots > RETAINED_SLOTS) {
                    slots -= byLength[k].pop().length / 2;
                }
            }
        }

        long slots() {
            return slots;
        }
    }

    /** A multiset of keys: flat open addressing, (key, count) slots, a zero count is free. */
    private static final class Table {
        private long[] table;
        private int mask;
        private int size;

        void open(SpareArrays spare) {
            table = spare.take(2 * 4);
            mask = 3;
            size = 0;
        }

        void close(SpareArrays spare) {
            spare.give(table);
            table = null;
        }

        /** Earlier calls with this key, counting this one. */
        int next(long key, SpareArrays spare) {
            int i = home(key);
            while (true) {
                int at = 2 * i;
                long count = table[at + 1];
                if (count == 0) {
                    table[at] = key;
                    table[at + 1] = 1;
                    if (2 * ++size > mask + 1) {
                        grow(spare);
                    }
                    return 0;
                }
                if (table[at] == key) {
                    table[at + 1] = count + 1;
                    return (int) count;
                }
                i = (i + 1) & mask;
            }
        }

        private int home(long key) {
            return (int) (key ^ (key >>> 32)) & mask; // MurmurHash3 output: uniform already
        }

        private void grow(SpareArrays spare) {
            long[] old = table;
            table = spare.take(2 * old.length);
            mask = table.length / 2 - 1;
            for (int at = 0; at < old.length; at += 2) {
                if (old[at + 1] != 0) {
                    int i = home(old[at]);
                    while (table[2 * i + 1] != 0) {
                        i = (i + 1) & mask;
                    }
                    table[2 * i] = old[at];
                    table[2 * i + 1] = old[at + 1];
                }
            }
            spare.give(old);
        }
    }

    /**
     * The evicted seconds of an array with their next epoch: one long per second, the second above
     * {@link #EPOCH_BITS} bits of epoch (never 0, so 0 is free), open addressing.
     */
    private static final class EvictedSeconds {
        private static final int EPOCH_BITS = 11; // MAX_EPOCH + 1 fits
        private static final long EPOCH_MASK = (1L << EPOCH_BITS) - 1;
        private static final int MIN_SLOTS = 64;
        private final int maxSize;
        private long[] slots = new long[MIN_SLOTS];
        private int size;

        EvictedSeconds(int maxSize) {
            this.maxSize = maxSize;
        }

        int slots() {
            return slots.length;
        }

        /** The epoch the second's next bucket opens in: 0 when it was never evicted. */
        int epoch(long second) {
            int i = home(second);
            for (long slot; (slot = slots[i]) != 0; i = (i + 1) & (slots.length - 1)) {
                if (slot >> EPOCH_BITS == second) {
                    return (int) (slot & EPOCH_MASK);
                }
            }
            return 0;
        }

        /** Records the second's next epoch; false when a new second does not fit. */
        boolean put(long second, int epoch) {
            int i = home(second);
            for (long slot; (slot = slots[i]) != 0; i = (i + 1) & (slots.length - 1)) {
                if (slot >> EPOCH_BITS == second) {
                    slots[i] = second << EPOCH_BITS | Math.min(epoch, EPOCH_MASK);
                    return true;
                }
            }
            if (size == maxSize) {
                return false;
            }
            slots[i] = second << EPOCH_BITS | Math.min(epoch, EPOCH_MASK);
            if (4 * ++size > 3 * slots.length) {
                rehash(2 * slots.length);
            }
            return true;
        }

        private int home(long second) {
            return (int) ((second * 0x9E37_79B9_7F4A_7C15L) >>> 40) & (slots.length - 1); // seconds are dense: mix
        }

        void clear() {
            if (size > 0) {
                Arrays.fill(slots, 0);
                size = 0;
            }
        }

        /** Between responses: an oversized set is replaced. */
        void trim() {
            if (slots.length > RETAINED_SLOTS) {
                slots = new long[MIN_SLOTS];
            }
        }

        private void rehash(int length) {
            long[] old = slots;
            slots = new long[length];
            for (long slot : old) {
                if (slot != 0) {
                    int i = home(slot >> EPOCH_BITS);
                    while (slots[i] != 0) {
                        i = (i + 1) & (length - 1);
                    }
                    slots[i] = slot;
                }
            }
        }
    }
}
