package dev.nitelog.cursor;

import java.io.IOException;

/**
 * Durable home of the committed cursors. The caller debounces: it flushes every
 * {@code nitelog.state.flush-interval} with
 * {@code store.save(cursors.snapshotCommitted(store.savedVersion()))}, skipping the call while
 * {@code cursors.version() == store.savedVersion()}.
 */
public interface CheckpointStore {

    /**
     * Reads every checkpoint, at startup, for {@link Cursors#restore}. A checkpoint that cannot be
     * read is set aside and logged; its job starts from an empty cursor.
     *
     * @throws IOException when the store itself cannot be listed
     */
    CursorSnapshot load() throws IOException;

    /**
     * Durably writes the jobs of {@code snapshot} that changed since this store last wrote them,
     * and removes the checkpoints of jobs no longer in {@link CursorSnapshot#allJobs()}. On failure
     * nothing already durable is damaged and {@link #savedVersion()} does not advance, so the next
     * flush writes the rest again.
     */
    void save(CursorSnapshot snapshot) throws IOException;

    /** The {@link CursorSnapshot#version()} of the last complete save; 0 after {@link #load()}. */
    long savedVersion();
}
