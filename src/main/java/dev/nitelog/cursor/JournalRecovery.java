package dev.nitelog.cursor;

import dev.nitelog.record.LogRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the segments earlier runs left, oldest first, into the batches they wrote. Per run (the
 * segments one process wrote, numbered without a gap) and sink: a flush marker makes every batch
 * before it {@link JournaledBatch.State#FLUSHED}; a roll-back marker drops the batches before it
 * (they were offered again); what follows the last marker was written and never flushed. After a
 * damaged frame or a missing segment nothing later of that run counts: a marker in the part lost
 * could have dropped what follows.
 */
final class JournalRecovery {
    private final String bootId;
    private final List<JournaledBatch> batches = new ArrayList<>();
    private final Map<String, List<List<LogRecord>>> pending = new HashMap<>();
    private final Map<String, Long> lastMarker = new HashMap<>();
    private JournalFormat.Header run;
    private long nextSegment;
    private boolean runDamaged;

    JournalRecovery(String bootId) {
        this.bootId = bootId;
    }

    /** Reads one segment; segments come in the order of their numbers. */
    void segment(long number, byte[] bytes) {
        JournalFormat.Frames frames = new JournalFormat.Frames(bytes);
        JournalFormat.Header header;
        try {
            header = JournalFormat.header(frames.next());
        } catch (RuntimeException e) {
            header = null;
        }
        if (header == null || run == null || header.runId() != run.runId()) {
            endRun();
            run = header; // a segment without a readable header ends its run: nothing in it counts
            runDamaged = header == null;
        } else if (number != nextSegment) {
            runDamaged = true;
        }
        nextSegment = number + 1;
        if (runDamaged) {
            return;
        }
        try {
            for (ByteBuffer frame = frames.next(); frame != null; frame = frames.next()) {
                frame(frame);
            }
            runDamaged = frames.damaged();
        } catch (RuntimeException malformed) {
            runDamaged = true;
        }
    }

    private void frame(ByteBuffer frame) {
        byte kind = frame.get();
        String sink = run.sinks().get(frame.getShort() & 0xFFFF);
        long millis = frame.getLong();
        switch (kind) {
            case JournalFormat.WRITTEN -> pending.computeIfAbsent(sink, s -> new ArrayList<>())
                    .add(JournalFormat.records(frame));
            case JournalFormat.FLUSHED -> {
                settle(sink, JournaledBatch.State.FLUSHED);
                lastMarker.put(sink, millis);
            }
            case JournalFormat.ROLLED_BACK -> {
                pending.remove(sink);
                lastMarker.put(sink, millis);
            }
            default -> throw new IllegalArgumentException("unknown frame kind " + kind);
        }
    }

    private void settle(String sink, JournaledBatch.State state) {
        List<List<LogRecord>> written = pending.remove(sink);
        if (written != null) {
            Instant since = Instant.ofEpochMilli(lastMarker.getOrDefault(sink, run.startedMillis()));
            written.forEach(records -> batches.add(new JournaledBatch(sink, records, state, since)));
        }
    }

    private void endRun() {
        if (run != null) {
            JournaledBatch.State state = BootId.same(run.bootId(), bootId)
                    ? JournaledBatch.State.WRITTEN_THIS_BOOT : JournaledBatch.State.WRITTEN_EARLIER_BOOT;
            for (String sink : List.copyOf(pending.keySet())) {
                settle(sink, state);
            }
        }
        pending.clear();
        lastMarker.clear();
    }

    /** Every batch read, in journal order per sink; ends the last run. */
    List<JournaledBatch> batches() {
        endRun();
        run = null;
        return batches;
    }
}
