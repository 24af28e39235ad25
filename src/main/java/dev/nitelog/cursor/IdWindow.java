package dev.nitelog.cursor;

import java.util.Arrays;

/**
 * One cursor's memory: the high-water timestamp and the ids of the records at or above a prune
 * floor, which the owner keeps at most a lateness or two below the high water.
 *
 * <p>Two flat structures, no object per id: an open-addressing hash set of (high, low) pairs
 * (linear probing, load at most 1/2, backward-shift deletion so no tombstones pile up), and a
 * deque of (timestamp, high, low) triples sorted by timestamp so pruning pops from the front.
 * An insert is always an append; ids that arrive out of timestamp order (a response lists a job's
 * tasks one after another, so its slices interleave in time) leave an unsorted tail that is sorted
 * and merged in one pass before the order is next needed, never shifted into place one by one
 * (that cost a shift of the whole window per id). Both shrink again after a burst. Memory is therefore about
 * 24 bytes x deque capacity + 16 bytes x table capacity, proportional to the ids held.
 *
 * <p>Timestamps are epoch nanoseconds ({@link #nanos}); the high water is {@link #EMPTY} until the
 * first id is added. Not thread-safe: {@link Cursors} guards it.
 */
final class IdWindow {

    /** The high water of a window that has seen nothing. */
    static final long EMPTY = Long.MIN_VALUE;

    private static final int MIN_TABLE = 16; // slots; a power of two
    private static final int MIN_DEQUE = 8;
    private static final long[] NO_LONGS = new long[0];

    private long highWater = EMPTY;
    private long prunedBelow = EMPTY; // every id added at or above this is still held
    private long newestAdded = EMPTY; // no id held is stamped later: a later id needs no look-up

    // hash set: slot i holds keys[2i] (high) and keys[2i + 1] (low); (0, 0) marks a free slot, so
    // the one id that really is (0, 0) is tracked by a flag instead
    private long[] keys = NO_LONGS; // allocated by the first add: most windows of a job's streams stay small
    private int mask = MIN_TABLE - 1;
    private boolean zeroPresent;

    // deque live between head (inclusive) and tail (exclusive), sorted by timestamp between head
    // and sortedTail; ids appended out of order after sortedTail wait for ensureSorted()
    private long[] times = NO_LONGS;
    private long[] highs = NO_LONGS;
    private long[] lows = NO_LONGS;
    private long pruned; // ids ever dropped below the floor: lines known to lie below it
    private int head;
    private int tail;
    private int sortedTail;

    long highWater() {
        return highWater;
    }

    /**
     * The lowest timestamp from which the window is complete: an unknown record at or above it was
     * never added; below it, one cannot tell.
     */
    long prunedBelow() {
        return prunedBelow;
    }

    /** The number of ids held. */
    int size() {
        return tail - head;
    }

    /** Allocation-free membership test. */
    boolean contains(long high, long low) {
        if (head == tail) {
            return false;
        }
        if (high == 0 && low == 0) {
            return zeroPresent;
        }
        for (int i = home(high, low); ; i = (i + 1) & mask) {
            long h = keys[2 * i];
            long l = keys[2 * i + 1];
            if (h == high && l == low) {
                return true;
            }
            if (h == 0 && l == 0) {
                return false;
            }
        }
    }

    /**
     * {@link #contains(long, long)} for an id stamped {@code time}: an id later than every id ever
     * added is absent without a look-up. A backlog read in time order (every new line of a catch-up)
     * then never touches the table, which is megabytes and one cache miss a probe.
     */
    boolean contains(long high, long low, long time) {
        return time <= newestAdded && contains(high, low);
    }

    /** Adds an id that {@link #contains} reported absent, and raises the high water to its time. */
    void add(long high, long low, long time) {
        insertKey(high, low);
        insertOrdered(time, high, low);
        if (time > highWater) {
            highWater = time;
        }
    }

    /**
     * Adds an id that {@link #contains} reported absent, leaving the high water where it is: for
     * records from a response that was cut short, whose unseen part may hold older lines.
     */
    void addHoldingHighWater(long high, long low, long time) {
        insertKey(high, low);
        insertOrdered(time, high, low);
    }

    /**
     * The newest timestamp among the ids held that is at most {@code bound}, or {@link #EMPTY}:
     * how far the high water may rise once ids held above it (stamped in the future when they
     * came, or added while a cut response held it) are no longer beyond {@code bound}.
     */
    long newestAtOrBelow(long bound) {
        ensureSorted();
        int lo = head;
        int hi = tail; // first index whose time > bound, by binary search over the sorted deque
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= bound) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo > head ? times[lo - 1] : EMPTY;
    }

    /** How many ids were ever pruned below the floor: lines known to have been held and now lying below it. */
    long pruned() {
        return pruned;
    }

    /** Raises the high water without adding an id (restoring a tombstone's cursor). */
    void raiseHighWater(long time) {
        if (time > highWater) {
            highWater = time;
        }
    }

    /** Drops every id stamped before {@code floor}. */
    void pruneBelow(long floor) {
        if (floor > prunedBelow) {
            prunedBelow = floor;
        }
        ensureSorted();
        int before = head;
        while (head < tail && times[head] < floor) {
            removeKey(highs[head], lows[head]);
            head++;
            pruned++;
        }
        sortedTail = Math.max(sortedTail, head);
        if (head != before) {
            shrinkIfSparse();
        }
    }

    /** Makes this window an exact copy of {@code other}, reusing its arrays when they fit. */
    void copyFrom(IdWindow other) {
        other.ensureSorted();
        highWater = other.highWater;
        prunedBelow = other.prunedBelow;
        newestAdded = other.newestAdded;
        pruned = other.pruned;
        zeroPresent = other.zeroPresent;
        mask = other.mask;
        keys = other.keys.length == keys.length ? copyInto(other.keys, keys) : other.keys.clone();
        int n = other.size();
        if (times.length < n || times.length > 4 * Math.max(n, MIN_DEQUE)) {
            int capacity = Math.max(MIN_DEQUE, Integer.highestOneBit(Math.max(1, n)) * 2);
            times = new long[capacity];
            highs = new long[capacity];
            lows = new long[capacity];
        }
        System.arraycopy(other.times, other.head, times, 0, n);
        System.arraycopy(other.highs, other.head, highs, 0, n);
        System.arraycopy(other.lows, other.head, lows, 0, n);
        head = 0;
        tail = n;
        sortedTail = n;
    }

    /** Forgets every id and the high water. */
    void clear() {
        copyFrom(new IdWindow());
    }

    /** Copies the held entries out, oldest first, for a snapshot. */
    WindowSnapshot snapshot() {
        ensureSorted();
        return new WindowSnapshot(highWater, prunedBelow,
                Arrays.copyOfRange(times, head, tail),
                Arrays.copyOfRange(highs, head, tail),
                Arrays.copyOfRange(lows, head, tail));
    }

    /** Approximate heap bytes held by the arrays, for memory tests and metrics. */
    long retainedBytes() {
        return 8L * (keys.length + times.length + highs.length + lows.length);
    }

    /** Epoch nanoseconds of an instant, saturating beyond the years 1677 and 2262. */
    static long nanos(java.time.Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds >= 9_223_372_036L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= -9_223_372_036L) {
            return Long.MIN_VALUE + 1; // never EMPTY
        }
        return seconds * 1_000_000_000L + t.getNano();
    }

    static java.time.Instant instant(long nanos) {
        return java.time.Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L));
    }

    /** {@code time - span}, saturating at {@link #EMPTY} so an empty window's floor admits all. */
    static long minus(long time, long span) {
        return time < Long.MIN_VALUE + span ? Long.MIN_VALUE : time - span;
    }

    private int home(long high, long low) {
        // the ids are MurmurHash3 output: already uniform, a fold is enough
        long h = high ^ low;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void insertKey(long high, long low) {
        if (keys.length == 0) {
            keys = new long[2 * MIN_TABLE];
            mask = MIN_TABLE - 1;
        }
        if (high == 0 && low == 0) {
            zeroPresent = true;
            return;
        }
        if (2 * (size() + 1) > mask + 1) {
            rehash(2 * (mask + 1));
        }
        int i = home(high, low);
        while (keys[2 * i] != 0 || keys[2 * i + 1] != 0) {
            i = (i + 1) & mask;
        }
        keys[2 * i] = high;
        keys[2 * i + 1] = low;
    }

    private void removeKey(long high, long low) {
        if (high == 0 && low == 0) {
            zeroPresent = false;
            return;
        }
        int i = home(high, low);
        while (keys[2 * i] != high || keys[2 * i + 1] != low) {
            i = (i + 1) & mask; // present by construction: every deque entry is in the table
        }
        // backward shift: pull later members of the probe run into the hole unless their home
        // lies cyclically in (hole, j], where moving them would put them before their home
        for (int j = (i + 1) & mask; keys[2 * j] != 0 || keys[2 * j + 1] != 0; j = (j + 1) & mask) {
            int k = home(keys[2 * j], keys[2 * j + 1]);
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                keys[2 * i] = keys[2 * j];
                keys[2 * i + 1] = keys[2 * j + 1];
                i = j;
            }
        }
        keys[2 * i] = 0;
        keys[2 * i + 1] = 0;
    }

    private void rehash(int slots) {
        keys = new long[2 * slots];
        mask = slots - 1;
        for (int d = head; d < tail; d++) {
            long high = highs[d];
            long low = lows[d];
            if (high == 0 && low == 0) {
                continue;
            }
            int i = home(high, low);
            while (keys[2 * i] != 0 || keys[2 * i + 1] != 0) {
                i = (i + 1) & mask;
            }
            keys[2 * i] = high;
            keys[2 * i + 1] = low;
        }
    }

    private void insertOrdered(long time, long high, long low) {
        if (tail == times.length) {
            resizeDeque(Math.max(MIN_DEQUE, size() + 1 > times.length / 2 ? 2 * times.length : times.length));
        }
        boolean inOrder = sortedTail == tail && (head == tail || times[tail - 1] <= time);
        if (time > newestAdded) {
            newestAdded = time;
        }
        times[tail] = time;
        highs[tail] = high;
        lows[tail] = low;
        tail++;
        if (inOrder) {
            sortedTail = tail;
        }
    }

    /**
     * Sorts the ids appended out of order (stable: equal times keep arrival order) and merges them
     * into the sorted part, in O(n + m log m) with scratch arrays of the appended part's size.
     */
    private void ensureSorted() {
        int m = tail - sortedTail;
        if (m == 0) {
            return;
        }
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = sortedTail + i;
        }
        mergeSortByTime(order, new int[m], 0, m);
        long[] t = new long[m];
        long[] h = new long[m];
        long[] l = new long[m];
        for (int i = 0; i < m; i++) {
            t[i] = times[order[i]];
            h[i] = highs[order[i]];
            l[i] = lows[order[i]];
        }
        // merge from the back: the sorted part [head, sortedTail) and the run (t, h, l) into [head, tail)
        int a = sortedTail - 1;
        int b = m - 1;
        for (int out = tail - 1; b >= 0; out--) {
            if (a >= head && times[a] > t[b]) { // strictly greater: an older entry stays before a newer equal one
                times[out] = times[a];
                highs[out] = highs[a];
                lows[out] = lows[a];
                a--;
            } else {
                times[out] = t[b];
                highs[out] = h[b];
                lows[out] = l[b];
                b--;
            }
        }
        sortedTail = tail;
    }

    /** Stable merge sort of {@code a[from, to)} (deque indices) by their time. */
    private void mergeSortByTime(int[] a, int[] scratch, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSortByTime(a, scratch, from, mid);
        mergeSortByTime(a, scratch, mid, to);
        if (times[a[mid - 1]] <= times[a[mid]]) {
            return; // already in order: the common case of a sorted run
        }
        int i = from;
        int j = mid;
        for (int out = from; out < to; out++) {
            scratch[out] = j >= to || (i < mid && times[a[i]] <= times[a[j]]) ? a[i++] : a[j++];
        }
        System.arraycopy(scratch, from, a, from, to - from);
    }

    /** Moves the live entries to the start of arrays of {@code capacity} (possibly the same size). */
    private void resizeDeque(int capacity) {
        int n = size();
        long[] t = capacity == times.length ? times : new long[capacity];
        long[] h = capacity == highs.length ? highs : new long[capacity];
        long[] l = capacity == lows.length ? lows : new long[capacity];
        System.arraycopy(times, head, t, 0, n);
        System.arraycopy(highs, head, h, 0, n);
        System.arraycopy(lows, head, l, 0, n);
        times = t;
        highs = h;
        lows = l;
        sortedTail -= head;
        head = 0;
        tail = n;
    }

    private void shrinkIfSparse() {
        int n = size();
        int fit = Integer.highestOneBit(Math.max(1, n));
        if (times.length > MIN_DEQUE && n < times.length / 4) {
            resizeDeque(Math.max(MIN_DEQUE, 2 * fit));
        }
        if (mask + 1 > MIN_TABLE && n < (mask + 1) / 8) {
            rehash(Math.max(MIN_TABLE, 4 * fit));
        }
    }

    private static long[] copyInto(long[] from, long[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }
}
