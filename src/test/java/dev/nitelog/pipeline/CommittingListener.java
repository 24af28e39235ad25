package dev.nitelog.pipeline;

import dev.nitelog.cursor.Cursors;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.DeliveryListener;
import dev.nitelog.sink.SinkException;

import java.util.List;

/** Commits what a sink confirmed and rolls back what failed, as the daemon's listener does. */
record CommittingListener(Cursors cursors) implements DeliveryListener {
    @Override
    public void delivered(String sink, List<LogRecord> records) {
        cursors.commit(sink, records);
    }

    @Override
    public void failed(String sink, SinkException error) {
        cursors.rollback(sink);
    }
}
