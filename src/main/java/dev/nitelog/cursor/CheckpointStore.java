package dev.nitelog.cursor;

import java.nio.file.Path;

/** Where committed cursors survive a restart. */
public interface CheckpointStore extends AutoCloseable {

    /**
     * Opens the file store in {@code dir}, creating it if needed.
     *
     * @throws dev.nitelog.config.InvalidConfigException one line naming the directory and the fix
     *                                                   when it cannot be used
     */
    static CheckpointStore open(Path dir) {
        return FileCheckpointStore.open(dir);
    }

    /** Every persisted job; unreadable ones are set aside with a warning and left out. */
    CursorSnapshot load();

    /**
     * Persists the jobs in the snapshot and removes the stored jobs not in its {@code allJobs}.
     * Each job's write is atomic: after a crash a job has its old or its new cursor, never a mix.
     */
    void save(CursorSnapshot snapshot);

    /** The {@link Cursors#version()} of the last snapshot saved, for asking only for what changed since. */
    long savedVersion();

    @Override
    void close();
}
