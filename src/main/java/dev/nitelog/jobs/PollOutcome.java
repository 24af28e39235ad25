package dev.nitelog.jobs;

/**
 * What one poll of a job found, for the tracker to adapt the job's interval.
 *
 * @param kind    what kind of poll it was
 * @param entries for {@link Kind#COUNTED}, the entries the response held (kept, skipped and
 *                malformed ones): the same count as last time means the job wrote nothing new
 */
public record PollOutcome(Kind kind, long entries) {

    /** How the poll ended, as far as the interval cares. */
    public enum Kind {
        /** No whole response was read (the poll failed, or its response was cut): the interval stays. */
        UNCOUNTED,
        /** The whole response was read and its entries counted. */
        COUNTED,
        /** Lines were left for a later poll (the sinks took no more): polled at the base interval until taken. */
        BACKLOG,
        /** Part of the log could not be fetched (a task's log alone over the response limit): the interval doubles. */
        CUT
    }

    public PollOutcome {
        if (kind == Kind.COUNTED && entries < 0) {
            throw new IllegalArgumentException("a counted poll holds 0 or more entries, not " + entries);
        }
    }

    public static final PollOutcome UNCOUNTED = new PollOutcome(Kind.UNCOUNTED, 0);
    public static final PollOutcome BACKLOG = new PollOutcome(Kind.BACKLOG, 0);
    public static final PollOutcome CUT = new PollOutcome(Kind.CUT, 0);

    /** A whole response of {@code entries} entries. */
    public static PollOutcome counted(long entries) {
        return new PollOutcome(Kind.COUNTED, entries);
    }
}
