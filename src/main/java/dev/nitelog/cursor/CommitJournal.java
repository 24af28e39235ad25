package dev.nitelog.cursor;

import dev.nitelog.record.LogRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Per-batch record of what sinks wrote, so a restart after a crash does not ship again what a sink
 * already has although no checkpoint holds it yet. Each sink worker's written batch, flush and
 * roll-back becomes a frame ({@link JournalFormat}) appended to the current segment under
 * {@code <state dir>/journal}, never synced: after a kill the page cache still has it, and after a
 * machine crash {@link JournalRecovery} trusts only what the boot id and flush markers allow.
 *
 * <p>A checkpoint starts a new segment ({@link #rotate}) before it takes its snapshot, and once it
 * is saved ({@link #release}) deletes the segments before that, except from the oldest that holds a
 * batch not flushed then (the snapshot does not have it). So the journal holds about two flush
 * intervals of batches.
 *
 * <p>A journal that cannot be written is dropped (its run's segments deleted, so no roll-back marker
 * can be missing) and tried again at the next rotation: losing it only means shipping again.
 * Thread-safe.
 */
public final class CommitJournal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CommitJournal.class);
    static final String DIR = "journal";
    static final String SUFFIX = ".journal";
    private static final long NONE = Long.MAX_VALUE;

    private final Path dir;
    private final boolean posix;
    private final String bootId;
    private final List<String> sinks;
    private final Clock clock;
    private final long[] firstUnflushed; // per sink: the segment of its oldest batch not flushed yet
    private final JournalFormat.Encoder encoder = new JournalFormat.Encoder();
    private final List<JournaledBatch> recovered;
    private FileChannel channel;
    private long segment;
    private long runId;
    private long runFirstSegment;
    private boolean failing;
    private boolean framed; // the current segment holds frames past its header

    /** The segments a checkpoint's save may delete once it succeeded: those numbered below {@code keepFrom}. */
    public record Rotation(long keepFrom) {
    }

    private CommitJournal(Path dir, boolean posix, String bootId, List<String> sinks, Clock clock,
                          List<JournaledBatch> recovered, long nextSegment) {
        this.dir = dir;
        this.posix = posix;
        this.bootId = bootId;
        this.sinks = List.copyOf(sinks);
        this.clock = clock;
        this.recovered = List.copyOf(recovered);
        this.firstUnflushed = new long[sinks.size()];
        Arrays.fill(firstUnflushed, NONE);
        this.segment = nextSegment - 1;
    }

    /**
     * Reads what earlier runs left under {@code <stateDir>/journal} ({@link #recovered()}) and starts
     * a run of this process in a new segment. Never fails: a journal that cannot be used is reported
     * once and nitelog works without it.
     */
    public static CommitJournal open(Path stateDir, String bootId, List<String> sinks, Clock clock) {
        Path dir = stateDir.resolve(DIR);
        TreeMap<Long, Path> segments = new TreeMap<>();
        JournalRecovery recovery = new JournalRecovery(bootId);
        boolean posix = false;
        try {
            Files.createDirectories(stateDir);
            PrivateFiles.innerDirectory(dir);
            posix = PrivateFiles.posix(dir);
            segments.putAll(segments(dir));
            for (var entry : segments.entrySet()) {
                recovery.segment(entry.getKey(), Files.readAllBytes(entry.getValue()));
            }
        } catch (IOException | CheckpointStoreException e) {
            LOG.warnf("The commit journal %s cannot be read; lines written since the last checkpoint are shipped"
                    + " again after this start: %s", dir, e.getMessage());
        }
        long next = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        CommitJournal journal = new CommitJournal(dir, posix, bootId, sinks, clock, recovery.batches(), next);
        journal.startRun();
        return journal;
    }

    /** What earlier runs wrote, as read at {@link #open}. */
    public List<JournaledBatch> recovered() {
        return recovered;
    }

    /** The sink's write of {@code records} returned. */
    public synchronized void written(String sink, List<LogRecord> records) {
        int index = sinks.indexOf(sink);
        if (channel == null || index < 0 || records.isEmpty()) {
            return;
        }
        if (append(encoder.written(index, clock.millis(), records)) && firstUnflushed[index] == NONE) {
            firstUnflushed[index] = segment;
        }
    }

    /** The sink's flush returned and its written batches were committed to the cursors. */
    public synchronized void flushed(String sink) {
        marker(JournalFormat.FLUSHED, sink);
    }

    /** The sink's batches since its last flush were dropped and will be offered again. */
    public synchronized void rolledBack(String sink) {
        marker(JournalFormat.ROLLED_BACK, sink);
    }

    private void marker(byte kind, String sink) {
        int index = sinks.indexOf(sink);
        if (channel != null && index >= 0 && firstUnflushed[index] != NONE
                && append(encoder.marker(kind, index, clock.millis()))) {
            firstUnflushed[index] = NONE;
        }
    }

    /** Starts a new segment; call before taking the snapshot of a checkpoint. */
    public synchronized Rotation rotate() {
        if (channel == null) {
            startRun();
        } else if (framed) { // an idle daemon keeps its one segment instead of making a file per checkpoint
            closeChannel();
            openSegment();
        }
        long keep = segment;
        for (long first : firstUnflushed) {
            keep = Math.min(keep, first);
        }
        return new Rotation(keep);
    }

    /** After the checkpoint begun by {@code rotation} was saved: deletes the segments it covers. */
    public synchronized void release(Rotation rotation) {
        try {
            for (var entry : segments(dir).headMap(rotation.keepFrom()).entrySet()) {
                Files.deleteIfExists(entry.getValue());
            }
        } catch (IOException e) {
            LOG.debugf("cannot delete old journal segments in %s: %s", dir, e); // the next release tries again
        }
    }

    private void startRun() {
        Arrays.fill(firstUnflushed, NONE);
        runId = ThreadLocalRandom.current().nextLong();
        runFirstSegment = segment + 1;
        openSegment();
    }

    private void openSegment() {
        segment++;
        Path path = dir.resolve(name(segment));
        try {
            channel = PrivateFiles.createNew(path, posix);
        } catch (IOException | RuntimeException e) {
            failed(e);
            return;
        }
        append(encoder.header(new JournalFormat.Header(bootId, runId, clock.millis(), sinks)));
        framed = false;
    }

    private boolean append(ByteBuffer frame) {
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            framed = true;
            if (failing) {
                LOG.info("The commit journal works again");
                failing = false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** Drops this run's segments: one that misses a marker could make a restart trust a dropped batch. */
    private void failed(Exception e) {
        if (!failing) {
            LOG.warnf("The commit journal %s cannot be written, so a restart after a crash ships again what was"
                    + " written since the last checkpoint; retried at the next checkpoint: %s", dir, e.toString());
            failing = true;
        }
        closeChannel();
        try {
            for (var entry : segments(dir).tailMap(runFirstSegment).entrySet()) {
                Files.deleteIfExists(entry.getValue());
            }
            PrivateFiles.syncDirectory(dir);
        } catch (IOException | RuntimeException ignored) {
            // a segment left behind at worst ends its run early when read: it has no header or frame past the failure
        }
        Arrays.fill(firstUnflushed, NONE);
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was pending: every frame is written whole or the journal failed already
            }
            channel = null;
        }
    }

    private static TreeMap<Long, Path> segments(Path dir) throws IOException {
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX) && name.length() == 19 + SUFFIX.length()
                        && name.chars().limit(19).allMatch(Character::isDigit)) {
                    segments.put(Long.parseLong(name.substring(0, 19)), file);
                }
            }
        }
        return segments;
    }

    static String name(long segment) {
        return String.format("%019d%s", segment, SUFFIX);
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }
}
