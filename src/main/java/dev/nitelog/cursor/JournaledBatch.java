package dev.nitelog.cursor;

import dev.nitelog.record.LogRecord;

import java.time.Instant;
import java.util.List;

/**
 * A batch the commit journal of an earlier run recorded as written to a sink, with what is known
 * of it now; the caller decides from {@link #state} and the sink's reach whether it counts as
 * delivered.
 *
 * @param sink    the sink's name
 * @param records the batch's records; only identity, job, stream and timestamp are meaningful
 * @param state   how far the batch is known to have got
 * @param since   no earlier than the start of the batch's write: when the sink's previous flush or
 *                roll-back was journaled, or its run began
 */
public record JournaledBatch(String sink, List<LogRecord> records, State state, Instant since) {

    /** How far a journaled batch is known to have got. */
    public enum State {
        /** The sink's flush returned after it: durable as far as the sink's flush makes anything. */
        FLUSHED,
        /** Written, never flushed, by a process of this boot of the machine: the page cache still has it. */
        WRITTEN_THIS_BOOT,
        /** Written, never flushed, before the machine restarted (or by a boot that cannot be told). */
        WRITTEN_EARLIER_BOOT
    }
}
