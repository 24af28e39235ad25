package dev.nitelog.pipeline;

import dev.nitelog.cursor.CursorSnapshot;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.JobSnapshot;
import dev.nitelog.cursor.JournaledBatch;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.WriteReach;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * At start, before the first poll: commits to the restored cursors what the commit journal says
 * earlier runs wrote, as far as each sink's {@link WriteReach} makes it safe, so a kill ships again
 * at most the batch each sink was writing. A batch counts when its flush was journaled, when the
 * destination acknowledged it, or when it sits in this boot's page cache and the sink made it
 * durable now ({@link Sink#syncEarlierWrites}); anything else is shipped again.
 */
final class JournalReplay {
    private static final Logger LOG = Logger.getLogger(JournalReplay.class);

    private final Map<String, Sink> sinks;
    private final Cursors cursors;
    private final Map<String, Boolean> synced = new HashMap<>();

    JournalReplay(Map<String, Sink> sinks, Cursors cursors) {
        this.sinks = sinks;
        this.cursors = cursors;
    }

    /** Commits the batches that count; returns how many records they held. */
    int apply(List<JournaledBatch> batches) {
        int records = 0;
        for (JournaledBatch batch : batches) {
            if (counts(batch, batches)) {
                for (LogRecord record : batch.records()) {
                    know(record.jobId());
                }
                cursors.commit(batch.sink(), batch.records());
                records += batch.records().size();
            }
        }
        sinks.keySet().forEach(cursors::rollback); // nothing is in flight yet: sent starts as the new committed
        return records;
    }

    private boolean counts(JournaledBatch batch, List<JournaledBatch> all) {
        Sink sink = sinks.get(batch.sink());
        if (sink == null) {
            return false; // no longer configured
        }
        return switch (batch.state()) {
            case FLUSHED -> true;
            case WRITTEN_THIS_BOOT -> reaches(sink, WriteReach.HOST) && syncedEarlierWrites(sink, all);
            case WRITTEN_EARLIER_BOOT -> reaches(sink, WriteReach.DESTINATION);
        };
    }

    private static boolean reaches(Sink sink, WriteReach reach) {
        return sink.writeReach().compareTo(reach) >= 0;
    }

    /** Once per sink: has it made durable every write of this boot the journal holds unflushed? */
    private boolean syncedEarlierWrites(Sink sink, List<JournaledBatch> all) {
        if (sink.writeReach() == WriteReach.DESTINATION) {
            return true;
        }
        return synced.computeIfAbsent(sink.name(), name -> {
            Instant since = all.stream()
                    .filter(b -> b.sink().equals(name) && b.state() == JournaledBatch.State.WRITTEN_THIS_BOOT)
                    .map(JournaledBatch::since).min(Instant::compareTo).orElseThrow();
            try {
                return sink.syncEarlierWrites(since);
            } catch (SinkException | RuntimeException e) {
                LOG.warnf("Sink %s could not make the writes of the process before this one durable, so they are"
                        + " written again: %s", name, e.getMessage());
                return false;
            }
        });
    }

    /** A job first seen since the last checkpoint gets an empty cursor, so the commit is not ignored. */
    private void know(String jobId) {
        if (!cursors.knows(jobId)) {
            cursors.restore(new CursorSnapshot(0, Set.of(jobId),
                    Map.of(jobId, new JobSnapshot(jobId, 0, null, Map.of(), Map.of()))));
        }
    }
}
