package dev.nitelog.sink.file;

import dev.nitelog.sink.WriteReach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static dev.nitelog.sink.file.FileSinkTesting.T0;
import static dev.nitelog.sink.file.FileSinkTesting.batch;
import static dev.nitelog.sink.file.FileSinkTesting.defaults;
import static dev.nitelog.sink.file.FileSinkTesting.lines;
import static dev.nitelog.sink.file.FileSinkTesting.recs;
import static dev.nitelog.sink.file.FileSinkTesting.settings;
import static dev.nitelog.sink.file.FileSinkTesting.sink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a returned write promises before a flush, and making an earlier process's writes durable. */
class FileSinkHandOffTest {
    @TempDir
    Path dir;

    @Test
    void aReturnedWriteIsInTheFileBeforeAnyFlushSoAKillCannotLoseIt() throws Exception {
        try (FileSink sink = sink(dir + "/{job}.log", defaults())) {
            sink.write(batch(recs("a", 3, T0))); // far less than the write buffer holds
            assertEquals(3, lines(dir.resolve("a.log")).size(), "read by another process, without a flush");
            assertEquals(WriteReach.HOST, sink.writeReach());
        }
        try (FileSink always = sink(dir + "/{job}.log", settings(100L << 20, 10, false, FsyncPolicy.ALWAYS, 256))) {
            assertEquals(WriteReach.DESTINATION, always.writeReach());
        }
    }

    @Test
    void syncsTheFilesModifiedSinceTheEarlierProcessFlushedAndNoOthers() throws Exception {
        try (FileSink earlier = sink(dir + "/{job}.log", defaults())) {
            earlier.write(batch(recs("old", 1, T0)));
            earlier.write(batch(recs("new", 1, T0)));
        }
        Instant since = Instant.now();
        Files.setLastModifiedTime(dir.resolve("old.log"), FileTime.from(since.minusSeconds(3600)));
        FileSinkTesting.CountingSyncer syncer = new FileSinkTesting.CountingSyncer();
        try (FileSink sink = sink(dir + "/{job}.log", defaults(), syncer)) {
            assertTrue(sink.syncEarlierWrites(since));
        }
        assertEquals(1, syncer.total.get(), "new.log only");
    }
}
