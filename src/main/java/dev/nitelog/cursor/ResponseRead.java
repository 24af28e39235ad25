package dev.nitelog.cursor;

import java.util.List;
import java.util.Optional;

/**
 * How far one response was read, as {@link JobCursor#endPoll} needs to know it.
 *
 * @param whole           the body was read to its end (not cut at the response limit)
 * @param arraysReadWhole the arrays read to their end: their streams' lines are all known now
 * @param cutIn           the array the cut fell in, if the body was cut inside one
 */
public record ResponseRead(boolean whole, List<ArrayRef> arraysReadWhole, Optional<ArrayRef> cutIn) {

    /** A response read to its end, its arrays not listed. */
    public static final ResponseRead WHOLE = new ResponseRead(true, List.of(), Optional.empty());

    public ResponseRead {
        arraysReadWhole = List.copyOf(arraysReadWhole);
    }
}
