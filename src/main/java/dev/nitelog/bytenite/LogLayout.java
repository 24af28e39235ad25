package dev.nitelog.bytenite;

import dev.nitelog.record.Service;

import java.util.List;

/**
 * The arrays of one {@code /logs} response as the parser met them, beyond the lines it read: a
 * body cut at {@code max-response-bytes} is read on past the cut (up to a bound) only to learn
 * which tasks it holds and how large each one's array is, so the job can be fetched in parts that fit.
 *
 * @param arrays        every array met, in response order, read or only passed over
 * @param cutIn         the array the cut fell in, or null (no cut, or a cut between arrays)
 * @param linesBeyond   entries after the cut, not read (as far as the body was passed over)
 * @param bytesBeyond   bytes of the body after the cut (as far as it was passed over)
 * @param complete      the body was passed over to its end: {@code arrays} lists every one
 */
public record LogLayout(List<Array> arrays, Array cutIn, long linesBeyond, long bytesBeyond, boolean complete) {
    /** Nothing known of the arrays (a parser that stops at the cut, or a scripted API). */
    public static final LogLayout NONE = new LogLayout(List.of(), null, 0, 0, false);

    public LogLayout {
        arrays = List.copyOf(arrays);
    }

    /**
     * One array of the response: a service's, or one task's.
     *
     * @param taskId null for the partitioner and the assembler
     * @param bytes  its size in the body, as far as it was passed over
     * @param whole  read to its end before any cut: every line of it was seen
     */
    public record Array(Service service, String taskId, long bytes, boolean whole) {
    }

    /** True when the arrays are known: a cut job can be fetched in parts. */
    public boolean listed() {
        return !arrays.isEmpty() || complete;
    }
}
