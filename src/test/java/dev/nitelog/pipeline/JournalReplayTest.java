package dev.nitelog.pipeline;

import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.JobCursor;
import dev.nitelog.cursor.JournaledBatch;
import dev.nitelog.cursor.JournaledBatch.State;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.WriteReach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JournalReplayTest {
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    /** A sink of a given reach that records the syncs asked of it. */
    private static final class ReachSink implements Sink {
        final WriteReach reach;
        final boolean canSync;
        final List<Instant> syncs = new ArrayList<>();

        ReachSink(WriteReach reach, boolean canSync) {
            this.reach = reach;
            this.canSync = canSync;
        }

        public String name() { return "s"; }
        public SinkHealth check() { return SinkHealth.up("ok"); }
        public void write(SinkBatch batch) { }
        public void close() { }
        public WriteReach writeReach() { return reach; }
        public boolean syncEarlierWrites(Instant since) throws SinkException {
            syncs.add(since);
            if (!canSync) {
                throw new SinkException("cannot");
            }
            return true;
        }
    }

    private static JournaledBatch batch(State state, int second) {
        Instant at = T0.plusSeconds(second);
        LogRecord record = new LogRecord(RecordId.of("job", Service.TASKRUNNER, "t", "main", at, "x", Level.INFO, 0),
                at, "job", "job", Service.TASKRUNNER, "t", "main", Level.INFO, "");
        return new JournaledBatch("s", List.of(record), state, T0.plusSeconds(second - 1));
    }

    /** The committed high water after replaying {@code batches} into cursors that never saw the job. */
    private static Instant replayed(Sink sink, JournaledBatch... batches) {
        Cursors cursors = new Cursors(Duration.ofMinutes(5));
        new JournalReplay(Map.of("s", sink), cursors).apply(List.of(batches));
        return cursors.committedHighWater("job", "s");
    }

    @Test
    void aFlushedBatchCountsWhateverTheSinksReach() {
        for (WriteReach reach : WriteReach.values()) {
            assertEquals(T0.plusSeconds(1), replayed(new ReachSink(reach, false), batch(State.FLUSHED, 1)), reach.name());
        }
    }

    @Test
    void aBatchOfThisBootCountsForAHostSinkOnlyOnceItSyncedTheEarlierWrites() {
        ReachSink host = new ReachSink(WriteReach.HOST, true);
        assertEquals(T0.plusSeconds(3), replayed(host, batch(State.WRITTEN_THIS_BOOT, 3), batch(State.WRITTEN_THIS_BOOT, 2)));
        assertEquals(List.of(T0.plusSeconds(1)), host.syncs, "once, from the oldest batch");
        assertNull(replayed(new ReachSink(WriteReach.HOST, false), batch(State.WRITTEN_THIS_BOOT, 3)), "the sync failed");
        assertNull(replayed(new ReachSink(WriteReach.PROCESS, true), batch(State.WRITTEN_THIS_BOOT, 3)));
    }

    @Test
    void aBatchOfAnEarlierBootCountsOnlyWhereTheDestinationAcknowledgedIt() {
        assertEquals(T0.plusSeconds(4), replayed(new ReachSink(WriteReach.DESTINATION, false), batch(State.WRITTEN_EARLIER_BOOT, 4)));
        assertNull(replayed(new ReachSink(WriteReach.HOST, true), batch(State.WRITTEN_EARLIER_BOOT, 4)));
    }

    @Test
    void whatCountsIsNotOfferedAgain() {
        Cursors cursors = new Cursors(Duration.ofMinutes(5));
        JournaledBatch flushed = batch(State.FLUSHED, 1);
        new JournalReplay(Map.of("s", new ReachSink(WriteReach.HOST, false)), cursors).apply(List.of(flushed));
        JobCursor job = cursors.forJob("job");
        assertEquals(List.of(), job.offer("s", flushed.records()).records());
    }

    @Test
    void aSinkNoLongerConfiguredIsSkipped() {
        Cursors cursors = new Cursors(Duration.ofMinutes(5));
        assertEquals(0, new JournalReplay(Map.of(), cursors).apply(List.of(batch(State.FLUSHED, 1))));
        assertEquals(false, cursors.knows("job"));
    }
}
