package dev.nitelog.cursor;

import dev.nitelog.cursor.Lines.Line;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A state directory in checkpoint format 1 (one window per job and sink, no streams) is read: an
 * upgrade ships nothing twice and loses nothing, and the next save writes the current format.
 */
class CheckpointUpgradeTest {
    private static final Duration LATENESS = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    /** Format 1, byte for byte as {@code CheckpointCodec} reads it. */
    private static byte[] formatOne(String jobId, String sink, long highWater, long prunedBelow, List<LogRecord> held)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CRC32 crc = new CRC32();
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(bytes, crc))) {
            out.writeInt(CheckpointCodec.MAGIC);
            out.writeShort(1);
            byte[] id = jobId.getBytes(StandardCharsets.UTF_8);
            out.writeInt(id.length);
            out.write(id);
            out.writeBoolean(false);
            out.writeInt(1);
            byte[] name = sink.getBytes(StandardCharsets.UTF_8);
            out.writeInt(name.length);
            out.write(name);
            out.writeLong(highWater);
            out.writeLong(prunedBelow);
            out.writeInt(held.size());
            for (LogRecord record : held) {
                out.writeLong(IdWindow.nanos(record.timestamp()));
                out.writeLong(record.id().high());
                out.writeLong(record.id().low());
            }
            out.flush();
            new DataOutputStream(bytes).writeInt((int) crc.getValue());
        }
        return bytes.toByteArray();
    }

    @Test
    void anUpgradeFromFormatOneShipsNothingTwiceAndLosesNothing() throws Exception {
        // 10 minutes of two tasks' lines, one a second each: the format-1 state says all of it was shipped
        List<Line> lines = new ArrayList<>();
        for (int s = 0; s < 600; s++) {
            lines.add(Line.of("job", s, "main", "a " + s));
            lines.add(new Line("job", Service.TASKRUNNER, "task-2", "", Lines.T0.plusSeconds(s), "b " + s));
        }
        List<LogRecord> shipped = Lines.response(lines);
        long highWater = IdWindow.nanos(shipped.get(shipped.size() - 1).timestamp());
        long floor = highWater - LATENESS.toNanos();
        List<LogRecord> window = shipped.stream().filter(r -> IdWindow.nanos(r.timestamp()) >= floor).toList();
        FileCheckpointStore store = FileCheckpointStore.open(dir);
        Files.write(store.directory().resolve(FileCheckpointStore.fileName("job")),
                formatOne("job", "out", highWater, floor, window));

        Cursors upgraded = new Cursors(LATENESS);
        upgraded.restore(FileCheckpointStore.open(dir).load());

        // the job wrote two more minutes; a re-poll of the whole log offers only those
        List<Line> more = new ArrayList<>(lines);
        for (int s = 600; s < 720; s++) {
            more.add(Line.of("job", s, "main", "a " + s));
            more.add(new Line("job", Service.TASKRUNNER, "task-2", "", Lines.T0.plusSeconds(s), "b " + s));
        }
        List<LogRecord> all = Lines.response(more);
        List<LogRecord> offered = upgraded.takeUnsent("job", "out", all).records();
        assertEquals(all.subList(shipped.size(), all.size()), offered, "only the new lines, each once");
        upgraded.commit("out", offered);
        assertTrue(upgraded.takeUnsent("job", "out", all).records().isEmpty(), "nothing twice");

        // saved again, the job is in the current format and still ships nothing twice after another restart
        FileCheckpointStore.open(dir).save(upgraded.snapshotCommitted());
        byte[] saved = Files.readAllBytes(store.directory().resolve(FileCheckpointStore.fileName("job")));
        assertEquals(CheckpointCodec.VERSION, ((saved[4] & 0xFF) << 8) | (saved[5] & 0xFF));
        Cursors again = new Cursors(LATENESS);
        again.restore(FileCheckpointStore.open(dir).load());
        assertTrue(again.takeUnsent("job", "out", all).records().isEmpty(), "nothing twice after a second restart");
    }
}
