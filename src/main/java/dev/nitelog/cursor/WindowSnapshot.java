package dev.nitelog.cursor;

import java.time.Instant;
import java.util.Objects;

/**
 * An immutable copy of one committed cursor: its high water and the ids within the lateness
 * window, oldest first. Kept as parallel primitive arrays (not a list of objects) because a
 * snapshot of every job is taken on each checkpoint flush.
 */
public final class WindowSnapshot {

    private static final long[] NONE = new long[0];

    /** A cursor that has seen nothing. */
    public static final WindowSnapshot EMPTY = new WindowSnapshot(IdWindow.EMPTY, IdWindow.EMPTY, NONE, NONE, NONE);

    private final long highWater;
    private final long prunedBelow;
    private final long[] times;
    private final long[] highs;
    private final long[] lows;
    private final long idsWithoutLevelUntil;

    /** Takes ownership of the arrays: callers pass fresh copies. */
    WindowSnapshot(long highWater, long prunedBelow, long[] times, long[] highs, long[] lows) {
        this(highWater, prunedBelow, times, highs, lows, IdWindow.EMPTY);
    }

    private WindowSnapshot(long highWater, long prunedBelow, long[] times, long[] highs, long[] lows,
                           long idsWithoutLevelUntil) {
        if (times.length != highs.length || times.length != lows.length) {
            throw new IllegalArgumentException("window arrays differ in length");
        }
        this.highWater = highWater;
        this.prunedBelow = prunedBelow;
        this.times = times;
        this.highs = highs;
        this.lows = lows;
        this.idsWithoutLevelUntil = idsWithoutLevelUntil;
    }

    /**
     * Epoch nanoseconds at or before which this window's ids may be ids without the level
     * ({@code RecordId.withoutLevel}, checkpoint format 2); {@link Long#MIN_VALUE} when none are.
     */
    public long idsWithoutLevelUntil() {
        return idsWithoutLevelUntil;
    }

    /** This window, its ids at or before {@code nanos} marked as ids without the level. */
    WindowSnapshot withIdsWithoutLevelUntil(long nanos) {
        return nanos == idsWithoutLevelUntil ? this
                : new WindowSnapshot(highWater, prunedBelow, times, highs, lows, nanos);
    }

    /**
     * Builds a snapshot from raw values (a decoder, a test).
     *
     * @param highWaterNanos the high water in epoch nanoseconds, {@link Long#MIN_VALUE} for none
     * @param prunedBelow    the timestamp below which ids were dropped, {@link Long#MIN_VALUE} for none
     * @param timeNanos      each id's timestamp in epoch nanoseconds, ascending
     * @param idHighs        each id's {@code RecordId.high()}
     * @param idLows         each id's {@code RecordId.low()}
     */
    public static WindowSnapshot of(long highWaterNanos, long prunedBelow, long[] timeNanos, long[] idHighs,
                                    long[] idLows) {
        return new WindowSnapshot(highWaterNanos, prunedBelow, timeNanos.clone(), idHighs.clone(), idLows.clone());
    }

    /** The high water in epoch nanoseconds; {@link Long#MIN_VALUE} when nothing was committed. */
    public long highWaterNanos() {
        return highWater;
    }

    /** The high water; null when nothing was committed. */
    public Instant highWater() {
        return highWater == IdWindow.EMPTY ? null : IdWindow.instant(highWater);
    }

    /**
     * The timestamp (epoch nanoseconds) below which the cursor dropped ids: a record below it that
     * the window does not hold may have been delivered, so it is never shipped again.
     */
    public long prunedBelowNanos() {
        return prunedBelow;
    }

    /** How many ids the window holds. */
    public int size() {
        return times.length;
    }

    /** The i-th id's timestamp in epoch nanoseconds (ascending in i). */
    public long timeNanos(int i) {
        return times[i];
    }

    /** The i-th id's high 64 bits. */
    public long idHigh(int i) {
        return highs[i];
    }

    /** The i-th id's low 64 bits. */
    public long idLow(int i) {
        return lows[i];
    }

    /** Rebuilds the live structure. */
    IdWindow toWindow() {
        IdWindow window = new IdWindow();
        for (int i = 0; i < times.length; i++) {
            if (!window.contains(highs[i], lows[i])) {
                window.addHoldingHighWater(highs[i], lows[i], times[i]); // ids above a held high water stay above it
            }
        }
        window.raiseHighWater(highWater);
        window.pruneBelow(prunedBelow);
        return window;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowSnapshot w && w.highWater == highWater && w.prunedBelow == prunedBelow
                && w.idsWithoutLevelUntil == idsWithoutLevelUntil
                && java.util.Arrays.equals(w.times, times)
                && java.util.Arrays.equals(w.highs, highs)
                && java.util.Arrays.equals(w.lows, lows);
    }

    @Override
    public int hashCode() {
        return Objects.hash(highWater, java.util.Arrays.hashCode(times), java.util.Arrays.hashCode(highs));
    }

    @Override
    public String toString() {
        return "WindowSnapshot[highWater=" + highWater() + ", ids=" + size() + "]";
    }
}
