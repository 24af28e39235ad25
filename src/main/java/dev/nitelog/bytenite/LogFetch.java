package dev.nitelog.bytenite;

import dev.nitelog.record.LogRecord;

import java.util.List;

/**
 * The outcome of one {@code POST /logs}.
 *
 * @param records          the lines at or after the skip floor, sorted by timestamp, ids assigned
 * @param skipped          lines dropped while parsing without becoming records: before the skip
 *                         floor, or already held by every sink ({@code KnownIds})
 * @param malformedEntries entries that could not be read (bad timestamp, wrong type) and were skipped
 * @param responseBytes    size of the response body (bytes read, when it was truncated)
 * @param truncated        the body exceeded {@code nitelog.bytenite.max-response-bytes} and was cut:
 *                         of the array the cut fell in, {@code records} hold only lines stamped
 *                         before the last timestamp read, and later lines (maybe more lines of that
 *                         timestamp) were not seen; arrays after the cut were not read at all
 * @param deferred         lines no sink holds yet that were left unmade because {@code records}
 *                         reached the most the sinks could take ({@code maxRecords}); a later poll
 *                         makes them. Like a cut, this response then covers only part of the lines.
 * @param unconfirmed      of the skipped lines, those every sink was handed but not every sink
 *                         confirmed yet ({@code KnownIds.State.SENT}): while any remain, the job is not settled
 * @param chunked          records handed to a {@code RecordChunks} while parsing instead of held in
 *                         {@code records}
 * @param cutLines         of the records made, lines longer than {@code nitelog.bytenite.max-line-bytes}
 *                         that were cut there
 * @param layout           the response's arrays, which were read whole and where a cut fell
 *                         ({@link LogLayout#NONE} when not known)
 * @param deferredOutOfOrder some deferred lines may be older than records made of their stream: they
 *                         had no safe occurrence number, or the record limit stopped the parse before
 *                         the reorder buffer sorted them in. Stream high waters must then wait for
 *                         them. Lines deferred because the sinks took no more are not: the records
 *                         handed on are each stream's oldest new ones, in time order
 */
public record LogFetch(List<LogRecord> records, int skipped, int malformedEntries, long responseBytes,
                       boolean truncated, int deferred, int unconfirmed, int chunked, int cutLines,
                       LogLayout layout, boolean deferredOutOfOrder) {

    /** A response whose deferred lines, if any, may lie anywhere in time. */
    public LogFetch(List<LogRecord> records, int skipped, int malformedEntries, long responseBytes,
                    boolean truncated, int deferred, int unconfirmed, int chunked, int cutLines,
                    LogLayout layout) {
        this(records, skipped, malformedEntries, responseBytes, truncated, deferred, unconfirmed, chunked, cutLines,
                layout, deferred > 0);
    }

    /** A response whose arrays are not known. */
    public LogFetch(List<LogRecord> records, int skipped, int malformedEntries, long responseBytes,
                    boolean truncated, int deferred, int unconfirmed, int chunked, int cutLines) {
        this(records, skipped, malformedEntries, responseBytes, truncated, deferred, unconfirmed, chunked, cutLines,
                LogLayout.NONE);
    }

    /** A response whose records are all in {@code records}. */
    public LogFetch(List<LogRecord> records, int skipped, int malformedEntries, long responseBytes,
                    boolean truncated, int deferred, int unconfirmed) {
        this(records, skipped, malformedEntries, responseBytes, truncated, deferred, unconfirmed, 0, 0);
    }

    /** A complete response. */
    public LogFetch(List<LogRecord> records, int skipped, int malformedEntries, long responseBytes) {
        this(records, skipped, malformedEntries, responseBytes, false, 0, 0);
    }

    /** A response read whole into records, or cut. */
    public LogFetch(List<LogRecord> records, int skipped, int malformedEntries, long responseBytes,
                    boolean truncated) {
        this(records, skipped, malformedEntries, responseBytes, truncated, 0, 0);
    }

    /** True when {@code records} are not every unshipped line of the log: it was cut, or lines were deferred. */
    public boolean partial() {
        return truncated || deferred > 0;
    }

    /** Entries the response held as read: records, skipped and malformed ones. */
    public long entries() {
        return (long) records.size() + chunked + skipped + malformedEntries + deferred;
    }
}
