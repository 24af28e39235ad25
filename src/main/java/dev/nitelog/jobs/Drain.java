package dev.nitelog.jobs;

import java.time.Duration;

/**
 * When a terminal job is done: after {@code polls} more delivered polls and once {@code period}
 * has passed since it was seen terminal, whichever comes later. The period is what lets late lines
 * arrive however short the poll interval; the polls make sure the log is fetched after the end.
 *
 * @param polls  delivered polls after the job turned terminal (at least one is always made)
 * @param period time after the job was seen terminal
 */
public record Drain(int polls, Duration period) {
    /** Draining by polls alone. */
    public static Drain polls(int polls) {
        return new Drain(polls, Duration.ZERO);
    }
}
