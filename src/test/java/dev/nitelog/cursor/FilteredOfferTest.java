package dev.nitelog.cursor;

import dev.nitelog.cursor.Lines.Line;
import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record a sink's filters leave out is never handed to the sink: the cursor counts it as
 * confirmed when offered, but never lets the committed cursor stand past a record of the same
 * stream that was handed over earlier and is still unconfirmed.
 */
class FilteredOfferTest {
    private static final Duration LATENESS = Duration.ofMinutes(2);
    private static final Predicate<LogRecord> NO_DEBUG = record -> !record.message().startsWith("debug");

    private final Cursors cursors = new Cursors(LATENESS);

    private Unsent offer(Cursors to, List<LogRecord> records) {
        return to.forJob("j").offer("out", records, Integer.MAX_VALUE, NO_DEBUG);
    }

    @Test
    void aFilteredRecordIsNotHandedOverTakesNoRoomAndCountsAsConfirmed() {
        List<LogRecord> poll = Lines.response(List.of(Line.of("j", 0, "main", "debug a"),
                Line.of("j", 1, "main", "b"), Line.of("j", 2, "main", "debug c"), Line.of("j", 3, "main", "d")));

        Unsent first = cursors.forJob("j").offer("out", poll, 1, NO_DEBUG);
        assertEquals(List.of("b"), messages(first.records()), "one record of room: the filtered ones took none");
        assertEquals(1, first.filtered());
        Unsent rest = offer(cursors, poll);
        assertEquals(List.of("d"), messages(rest.records()));
        assertEquals(1, rest.filtered());
        assertTrue(offer(cursors, poll).isEmpty(), "nothing is offered twice, filtered or not");

        cursors.commit("out", List.of(poll.get(1), poll.get(3)));
        assertTrue(cursors.forJob("j").confirmed("out", poll), "the sink confirmed what it wanted; the rest needs nothing");
    }

    @Test
    void aFilteredRecordNeverLiftsTheCommittedCursorPastAnUnconfirmedOne() {
        LogRecord queued = Lines.response(List.of(Line.of("j", 0, "main", "queued, never confirmed"))).get(0);
        offer(cursors, List.of(queued));
        // ten minutes later in the same stream, a record the sink filters out
        LogRecord filtered = Lines.response(List.of(Line.of("j", 600, "main", "debug later"))).get(0);
        assertEquals(1, offer(cursors, List.of(filtered)).filtered());

        Cursors restarted = new Cursors(LATENESS); // killed before the queued record was confirmed
        restarted.restore(cursors.snapshotCommitted());
        assertEquals(List.of(queued), offer(restarted, List.of(queued, filtered)).records(),
                "the unconfirmed record is offered again, not taken for shipped below the window");
    }

    @Test
    void onceTheEarlierRecordsAreConfirmedTheCommittedCursorRisesToTheFilteredOne() {
        LogRecord queued = Lines.response(List.of(Line.of("j", 0, "main", "queued"))).get(0);
        offer(cursors, List.of(queued));
        LogRecord filtered = Lines.response(List.of(Line.of("j", 600, "main", "debug later"))).get(0);
        offer(cursors, List.of(filtered));
        assertTrue(cursors.forJob("j").skipFloor(List.of("out")).isEmpty(),
                "no committed high water while the record before the filtered one awaits confirmation");

        cursors.commit("out", List.of(queued));

        assertEquals(filtered.timestamp().minus(LATENESS), cursors.forJob("j").skipFloor(List.of("out")).orElseThrow());
    }

    @Test
    void aStreamTheSinkFiltersOutEntirelyKeepsItsWindowBounded() {
        for (int minute = 0; minute < 60; minute++) {
            List<LogRecord> poll = Lines.response(List.of(Line.of("j", minute * 60L, "main", "debug " + minute)));
            assertEquals(1, offer(cursors, poll).filtered());
            assertEquals(poll.get(0).timestamp().minus(LATENESS),
                    cursors.forJob("j").skipFloor(List.of("out")).orElseThrow(), "minute " + minute);
        }
        WindowSnapshot window = cursors.snapshotCommitted().jobs().get("j").streams().get("out").values()
                .iterator().next();
        assertTrue(window.size() <= 3, "ids within the lateness only: " + window.size());
    }

    @Test
    void aRolledBackSinkIsOfferedItsUnconfirmedRecordsAgainButNotTheFilteredOnes() {
        List<LogRecord> poll = Lines.response(List.of(Line.of("j", 0, "main", "a"), Line.of("j", 1, "main", "debug b"),
                Line.of("j", 2, "main", "c")));
        offer(cursors, poll);
        cursors.rollback("out"); // the batch holding a and c failed

        assertEquals(List.of("a", "c"), messages(offer(cursors, poll).records()));
    }

    private static List<String> messages(List<LogRecord> records) {
        return records.stream().map(LogRecord::message).toList();
    }
}
