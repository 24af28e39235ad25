package dev.nitelog.bytenite;

import dev.nitelog.cursor.Cursors;
import dev.nitelog.record.KnownIds;

/** The parser's view of one poll's cursors, as the pipeline's CursorLineFilter adapts it, for tests of both together. */
final class PollFilters {
    private PollFilters() {
    }

    /** @param below counts the lines dropped below a stream's floor, in {@code below[0]} */
    static LineFilter of(Cursors.PollView view, int[] below) {
        return (service, task, container) -> {
            Cursors.PollView.Stream stream = view.stream(service, task, container);
            return new LineFilter.StreamFilter() {
                @Override
                public long floorNanos() {
                    return stream.floorNanos();
                }

                @Override
                public void belowFloor() {
                    below[0]++;
                    stream.belowFloor();
                }

                @Override
                public KnownIds.State state(long high, long low) {
                    return stream.state(high, low);
                }

                @Override
                public long idsWithoutLevelUntilNanos() {
                    return stream.idsWithoutLevelUntilNanos();
                }
            };
        };
    }
}
