package dev.nitelog.cursor;

import dev.nitelog.cursor.Lines.Line;
import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CursorsTest {

    private static final Duration LATENESS = Duration.ofMinutes(2);
    private final Cursors cursors = new Cursors(LATENESS);

    @Test
    void keepsDistinctLinesWithSameTimestampAndContainer() {
        List<LogRecord> poll = Lines.response(List.of(
                Line.of("j", 0, "main", "starting"),
                Line.of("j", 0, "main", "loading model")));

        assertEquals(2, cursors.takeUnsent("j", "out", poll).records().size());
        assertTrue(cursors.takeUnsent("j", "out", poll).isEmpty());
    }

    @Test
    void shipsARepeatedLineAsManyTimesAsItOccurs() {
        Line tick = Line.of("j", 5, "main", "tick");
        List<Line> visible = new ArrayList<>(List.of(tick, tick));

        assertEquals(2, cursors.takeUnsent("j", "out", Lines.response(visible)).records().size());
        visible.add(tick); // the third copy shows up on the next poll
        List<LogRecord> third = cursors.takeUnsent("j", "out", Lines.response(visible)).records();

        assertEquals(1, third.size());
        assertTrue(cursors.takeUnsent("j", "out", Lines.response(visible)).isEmpty());
    }

    @Test
    void dropsAndCountsLinesLateBeyondTheWindow() {
        List<Line> visible = new ArrayList<>(List.of(Line.of("j", 0, "main", "a"), Line.of("j", 600, "main", "b")));
        cursors.takeUnsent("j", "out", Lines.response(visible));

        visible.add(Line.of("j", 600 - 120, "main", "just in the window"));
        visible.add(Line.of("j", 600 - 121, "main", "one second too late"));
        Unsent unsent = cursors.takeUnsent("j", "out", Lines.response(visible));

        assertEquals(List.of("just in the window"), unsent.records().stream().map(LogRecord::message).toList());
        assertEquals(1, unsent.lateBeyondWindow(), "the late line; the first line lies below what the cursor remembers: skipped, not counted");
    }

    @Test
    void windowStaysBoundedOverAMillionLines() {
        // 10 lines a second for 100 000 seconds: 1 200 lines per 2-minute window
        int perSecond = 10;
        int maxWindow = 0;
        List<LogRecord> poll = new ArrayList<>();
        for (int second = 0; second < 100_000; second++) {
            for (int i = 0; i < perSecond; i++) {
                poll.add(Lines.record(new Line("j", dev.nitelog.record.Service.TASKRUNNER, "t", "main",
                        Lines.T0.plusSeconds(second).plusMillis(100L * i), "line " + i), 0));
            }
            if (second % 30 == 29) { // a poll every 30 s, delivered at once
                assertEquals(poll.size(), cursors.takeUnsent("j", "out", poll).records().size());
                cursors.commit("out", poll);
                maxWindow = Math.max(maxWindow, cursors.windowSize("j", "out"));
                poll.clear();
            }
        }
        int linesPerWindow = (int) LATENESS.toSeconds() * perSecond;
        assertTrue(maxWindow <= linesPerWindow + perSecond, "window " + maxWindow + " for " + linesPerWindow + " lines per window");
        assertTrue(maxWindow >= linesPerWindow - perSecond, "window " + maxWindow);
        // sent and committed, each at most 4x deque and 8x table slack per id: 2 x (24 x 4 + 16 x 8)
        assertTrue(cursors.retainedBytes() < 448L * linesPerWindow, "bytes " + cursors.retainedBytes());
    }

    @Test
    void rollbackReoffersUncommitted() {
        List<LogRecord> first = Lines.response(List.of(Line.of("j", 0, "main", "a"), Line.of("j", 1, "main", "b")));
        cursors.commit("out", cursors.takeUnsent("j", "out", first).records());
        List<LogRecord> second = Lines.response(List.of(
                Line.of("j", 0, "main", "a"), Line.of("j", 1, "main", "b"), Line.of("j", 2, "main", "c")));
        assertEquals(1, cursors.takeUnsent("j", "out", second).records().size());
        assertTrue(cursors.takeUnsent("j", "out", second).isEmpty(), "sent, not yet confirmed");

        cursors.rollback("out");

        assertEquals(List.of("c"), cursors.takeUnsent("j", "out", second).records().stream().map(LogRecord::message).toList());
    }

    @Test
    void eachSinkTakesWhatItHasNotSeen() {
        List<LogRecord> poll = Lines.response(List.of(Line.of("j", 0, "main", "a")));
        cursors.commit("fast", cursors.takeUnsent("j", "fast", poll).records());

        assertEquals(1, cursors.takeUnsent("j", "slow", poll).records().size());
        assertTrue(cursors.takeUnsent("j", "fast", poll).isEmpty());
    }

    @Test
    void commitGroupsABatchThatMixesJobs() {
        List<LogRecord> a = Lines.response(List.of(Line.of("a", 0, "main", "x")));
        List<LogRecord> b = Lines.response(List.of(Line.of("b", 50, "main", "y")));
        List<LogRecord> batch = new ArrayList<>(cursors.takeUnsent("a", "out", a).records());
        batch.addAll(cursors.takeUnsent("b", "out", b).records());

        cursors.commit("out", batch);

        assertEquals(Lines.T0.minus(LATENESS), cursors.skipFloor("a", List.of("out")));
        assertEquals(Lines.T0.plusSeconds(50).minus(LATENESS), cursors.skipFloor("b", List.of("out")));
    }

    @Test
    void skipFloorIsMinimumOverSinks() {
        List<LogRecord> early = Lines.response(List.of(Line.of("j", 0, "main", "a")));
        List<LogRecord> later = Lines.response(List.of(Line.of("j", 0, "main", "a"), Line.of("j", 300, "main", "b")));
        cursors.commit("one", cursors.takeUnsent("j", "one", early).records());
        cursors.takeUnsent("j", "two", later);

        assertNull(cursors.skipFloor("j", List.of("one", "two")), "two has committed nothing");
        assertNull(cursors.skipFloor("other", List.of("one")));

        cursors.commit("two", later);

        assertEquals(Lines.T0.minus(LATENESS), cursors.skipFloor("j", List.of("one", "two")));
        assertEquals(Lines.T0.plusSeconds(300).minus(LATENESS), cursors.skipFloor("j", List.of("two")));
    }

    @Test
    void purgesTombstonesOlderThanTheRetention() {
        List<LogRecord> poll = Lines.response(List.of(Line.of("old", 0, "main", "a")));
        cursors.commit("out", cursors.takeUnsent("old", "out", poll).records());
        cursors.takeUnsent("new", "out", Lines.response(List.of(Line.of("new", 0, "main", "a"))));
        Instant now = Instant.parse("2025-07-12T00:00:00Z");
        cursors.retire("old", now.minus(Duration.ofDays(2)));
        cursors.retire("recent", now.minus(Duration.ofHours(1)));

        assertTrue(cursors.isRetired("old"));
        assertTrue(cursors.takeUnsent("old", "out", poll).isEmpty(), "a tombstone ships nothing again");
        assertEquals(0, cursors.windowSize("old", "out"), "a tombstone keeps no ids");

        assertEquals(1, cursors.purgeRetiredBefore(now.minus(Duration.ofDays(1))));

        assertEquals(Set.of("new", "recent"), cursors.jobIds());
        assertFalse(cursors.isRetired("old"));
    }

    /** Also from a tombstone restored after a restart, whose streams hold a high water and no ids. */
    @Test
    void aRevivedJobShipsOnlyTheLinesAfterItsTombstone() {
        List<Line> visible = new ArrayList<>();
        for (int s = 0; s <= 60; s += 10) {
            visible.add(Line.of("j", s, "main", "line " + s));
            visible.add(Line.of("j", s, "", "app " + s));
        }
        cursors.commit("out", cursors.takeUnsent("j", "out", Lines.response(visible)).records());
        cursors.retire("j", Lines.T0.plusSeconds(61));
        Cursors restarted = new Cursors(LATENESS);
        restarted.restore(cursors.snapshotCommitted());

        for (Cursors revived : List.of(cursors, restarted)) {
            assertTrue(revived.revive("j"));
            assertFalse(revived.isRetired("j"));
            assertFalse(revived.revive("j"), "a live job is not revived");
        }
        visible.add(Line.of("j", 90, "main", "after the revival"));
        for (Cursors revived : List.of(cursors, restarted)) {
            assertEquals(List.of("after the revival"), revived.takeUnsent("j", "out", Lines.response(visible))
                    .records().stream().map(LogRecord::message).toList());
        }
    }

    @Test
    void restoredCursorsOfferNothingAlreadyCommitted() {
        List<LogRecord> poll = Lines.response(List.of(Line.of("j", 0, "main", "a"), Line.of("j", 1, "main", "b")));
        cursors.commit("out", cursors.takeUnsent("j", "out", poll).records().subList(0, 1));
        cursors.retire("gone", Lines.T0);

        Cursors restarted = new Cursors(LATENESS);
        restarted.restore(cursors.snapshotCommitted());

        assertEquals(List.of("b"), restarted.takeUnsent("j", "out", poll).records().stream().map(LogRecord::message).toList());
        assertTrue(restarted.isRetired("gone"));
        assertEquals(cursors.skipFloor("j", List.of("out")), restarted.skipFloor("j", List.of("out")));
    }

    @Test
    void incrementalSnapshotHoldsOnlyChangedJobs() {
        cursors.commit("out", cursors.takeUnsent("a", "out", Lines.response(List.of(Line.of("a", 0, "main", "x")))).records());
        long saved = cursors.snapshotCommitted().version();
        cursors.commit("out", cursors.takeUnsent("b", "out", Lines.response(List.of(Line.of("b", 0, "main", "x")))).records());

        CursorSnapshot changed = cursors.snapshotCommitted(saved);

        assertEquals(Set.of("b"), changed.jobs().keySet());
        assertEquals(Set.of("a", "b"), changed.allJobs());
        assertEquals(cursors.version(), changed.version());
    }

    @Test
    void checkingAKnownRecordAllocatesNothing() {
        List<LogRecord> poll = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            poll.add(Lines.record(Line.of("j", i / 10, "main", "line " + i), 0));
        }
        cursors.takeUnsent("j", "out", poll);
        for (int i = 0; i < 2000; i++) { // warm up past the JIT
            cursors.takeUnsent("j", "out", poll);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100; i++) {
            cursors.takeUnsent("j", "out", poll);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < 1024, allocated + " bytes for 100 000 checks");
    }
}
