package dev.nitelog.bytenite;

import dev.nitelog.record.LogRecord;

import java.util.List;

/**
 * The outcome of one {@code POST /logs}.
 *
 * @param records          the lines at or after the skip floor, sorted by timestamp, ids assigned
 * @param skipped          lines before the skip floor, counted and dropped while parsing
 * @param malformedEntries entries that could not be read (bad timestamp, wrong type) and were skipped
 * @param responseBytes    size of the response body
 */
public record LogFetch(List<LogRecord> records, int skipped, int malformedEntries, long responseBytes) {
}
