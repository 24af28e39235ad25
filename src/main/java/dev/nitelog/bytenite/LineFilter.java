package dev.nitelog.bytenite;

import dev.nitelog.record.KnownIds;
import dev.nitelog.record.Service;

import java.time.Instant;
import java.util.Optional;

/**
 * What the {@code /logs} parser asks, per stream, to drop lines every sink already has without
 * making records of them: the client's own small question, so it knows nothing of cursors.
 */
@FunctionalInterface
public interface LineFilter {

    /** Knows nothing: every line becomes a record. */
    LineFilter KEEP_ALL = (service, taskId, container) -> StreamFilter.KEEP_ALL;

    /** The filter of one stream; the parser asks once per stream and response, not per line. */
    StreamFilter stream(Service service, String taskId, String container);

    /** One stream's answers. */
    interface StreamFilter {

        /** Skips nothing. */
        StreamFilter KEEP_ALL = new StreamFilter() {
            @Override
            public long floorNanos() {
                return Long.MIN_VALUE;
            }

            @Override
            public void belowFloor() {
            }

            @Override
            public KnownIds.State state(long high, long low, long epochNanos) {
                return KnownIds.State.UNKNOWN;
            }
        };

        /**
         * Lines stamped before these epoch nanoseconds are dropped after reading their timestamp,
         * unhashed; {@link Long#MIN_VALUE} to drop none.
         */
        long floorNanos();

        /** Told of each line dropped below {@link #floorNanos()}. */
        void belowFloor();

        /**
         * {@link KnownIds.State#UNKNOWN}, {@link KnownIds.State#SENT} or {@link KnownIds.State#DELIVERED}
         * for the id of a line stamped {@code epochNanos} (a line newer than every id held needs no look-up).
         */
        KnownIds.State state(long high, long low, long epochNanos);

        /**
         * Lines stamped at or before these epoch nanoseconds may be held by their id without the
         * level ({@link dev.nitelog.record.RecordId#withoutLevel}, from checkpoint format 2): the
         * parser then asks {@link #state} for that id too. {@link Long#MIN_VALUE} for none.
         */
        default long idsWithoutLevelUntilNanos() {
            return Long.MIN_VALUE;
        }
    }

    /** Drops lines stamped before {@code floor} in every stream, and knows no id. */
    static LineFilter below(Instant floor) {
        return of(floor, KnownIds.NONE);
    }

    /** Drops lines stamped before {@code floor} in every stream, and those {@code known} holds. */
    static LineFilter of(Instant floor, KnownIds known) {
        return uniform(TimestampParser.nanos(floor), known);
    }

    /**
     * What a caller that knows no streams asks (a cursor's one skip floor, none before anything was
     * confirmed): drops lines below the floor, if any, and those {@code known} holds.
     */
    static LineFilter of(Optional<Instant> floor, KnownIds known) {
        return floor.map(f -> of(f, known)).orElseGet(() -> uniform(Long.MIN_VALUE, known));
    }

    /** One floor and one id lookup for every stream (callers that know no streams). */
    static LineFilter uniform(long floorNanos, KnownIds known) {
        StreamFilter one = new StreamFilter() {
            @Override
            public long floorNanos() {
                return floorNanos;
            }

            @Override
            public void belowFloor() {
            }

            @Override
            public KnownIds.State state(long high, long low, long epochNanos) {
                return known.state(high, low);
            }
        };
        return (service, taskId, container) -> one;
    }
}
