package dev.nitelog.sink.file;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** Forces a file's bytes to disk; a seam so tests can count where syncs happen. */
@FunctionalInterface
interface Syncer {
    Syncer FORCE = channel -> channel.force(false);

    void sync(FileChannel channel) throws IOException;
}
