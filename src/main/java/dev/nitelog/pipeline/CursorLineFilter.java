package dev.nitelog.pipeline;

import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.Service;

/**
 * Lets the {@code /logs} parser ask one poll's cursor view, without the client knowing cursors.
 * Public for tests of the parser and the cursors together.
 */
public final class CursorLineFilter implements LineFilter {
    private final Cursors.PollView view;

    public CursorLineFilter(Cursors.PollView view) {
        this.view = view;
    }

    @Override
    public StreamFilter stream(Service service, String taskId, String container) {
        Cursors.PollView.Stream stream = view.stream(service, taskId, container);
        return new StreamFilter() {
            @Override
            public long floorNanos() {
                return stream.floorNanos();
            }

            @Override
            public void belowFloor() {
                stream.belowFloor();
            }

            @Override
            public KnownIds.State state(long high, long low, long epochNanos) {
                return stream.state(high, low, epochNanos);
            }

            @Override
            public long idsWithoutLevelUntilNanos() {
                return stream.idsWithoutLevelUntilNanos();
            }
        };
    }
}
