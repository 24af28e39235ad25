package dev.nitelog.cursor;

import dev.nitelog.record.LogRecord;

import java.util.List;

/**
 * What one sink has not yet been handed from one fetch.
 *
 * @param records          the new records, in the order they were fetched (timestamp order); now
 *                         marked sent
 * @param lateBeyondWindow records not shipped because they are unknown but older than the
 *                         lateness window (for a metric and a log line)
 * @param future           of {@code records}, those stamped more than {@code max-future} after
 *                         now: shipped, remembered by id, and moving no high water
 * @param filtered         new records the sink's filters leave out: not handed over, confirmed at once
 */
public record Unsent(List<LogRecord> records, int lateBeyondWindow, int future, int filtered) {

    static final Unsent NOTHING = new Unsent(List.of(), 0, 0, 0);

    /** New records and late ones, none stamped in the future or filtered out. */
    public Unsent(List<LogRecord> records, int lateBeyondWindow) {
        this(records, lateBeyondWindow, 0, 0);
    }

    public Unsent {
        records = List.copyOf(records);
    }

    /** True when there is nothing to hand the sink. */
    public boolean isEmpty() {
        return records.isEmpty();
    }
}
