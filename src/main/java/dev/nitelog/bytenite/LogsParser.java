package dev.nitelog.bytenite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code POST /logs} body ({@code logsGetLogsResponse}) with Jackson's streaming API,
 * straight into records: never a tree of the body, never a String of it. Lines older than the
 * skip floor are counted and dropped without making a String or an object, which is what makes a
 * re-poll of a long job cheap. Lines at or above it get their id computed from the parser's char
 * buffers (identical lines numbered as they are read); a line whose id {@link KnownIds} reports
 * handed to every sink is dropped the same way, so only lines some sink lacks become records. One
 * instance per response; not thread-safe.
 *
 * <p>Tolerance: missing or null top-level keys are empty; unknown fields at any level are skipped;
 * an entry that cannot be read (bad timestamp, a field of the wrong type) is skipped and counted.
 * A body whose structure is not a logs object at all (not JSON, truncated, wrong container types)
 * is a {@link MalformedResponseException}: its lines cannot be trusted to be complete.
 *
 * <p>A body longer than the byte limit is read up to the limit only. The arrays read to their end
 * before the cut are complete; of the array the cut fell in, only the lines stamped strictly before
 * the timestamp of the last complete entry are kept: in an array whose lines come in time order
 * those are complete, whereas lines at the last timestamp may continue past the cut (identical lines
 * among them would get different occurrence numbers once all are seen). So a cursor fed with them
 * never passes a line nitelog has not seen; the lines at and after the cut arrive, once each, with
 * the next response that holds that array whole. With a listing bound above the limit, the body is
 * passed over past the cut without reading its lines, to learn which arrays it holds and their
 * sizes ({@link LogLayout}): the job can then be fetched in parts that fit.
 */
final class LogsParser {
    /** Long tqdm progress lines are joined with \r into one string; allow far more than Jackson's 20M default. */
    private static final int MAX_STRING_CHARS = 256 * 1024 * 1024;
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
            .build();
    private static final Level[] LEVELS = Level.values();

    private final JobRef job;
    private final LineFilter filter;

    private final TimestampParser timestamps = new TimestampParser();
    private final ValueChars log = new ValueChars();
    private final ValueChars container = new ValueChars();
    private final List<String> containerCache = new ArrayList<>();
    private final RecordAssembler assembler;
    private final RecordId.Hasher ids = new RecordId.Hasher();
    private OccurrenceCounter occurrences;
    private OccurrenceCounter occurrencesWithoutLevel; // only for streams restored from format 2
    private final long[] idWithoutLevel = new long[2];

    private final long maxBytes;
    private final long listBytes;
    private final long maxLineBytes;
    private CountingInputStream counted;
    private LongStringCutter cutter;
    private long cutBytes; // of the entry being read: bytes dropped from its log
    private int cutLines;
    private final int maxRecords;
    private final RecordChunks chunks;
    private boolean chunksRefused;
    private boolean deferredOutOfOrder; // see LogFetch#deferredOutOfOrder
    private int chunked;
    private int made;
    private int deferred;
    private int unconfirmed;

    private int skipped;
    private int malformed;
    // the timestamp of the last complete entry read, where a truncated body is cut
    private boolean hasLast;
    private long lastSeconds;
    private int lastNanos;

    // the arrays met, and the cut: once it fell, the rest of the body is passed over, lines unread
    private final List<LogLayout.Array> arrays = new ArrayList<>();
    private boolean cut;
    private long cutCount; // body bytes read when the cut fell
    private boolean cutInArray; // the cut fell in the array being read
    private long linesBeyond;
    private long arrayDropped; // bytes the cutter dropped from the array being read

    // the array being read: its stream's filter, asked again only when the container changes
    private boolean inArray;
    private Service arrayService;
    private String arrayTask;
    private String lastContainer;
    private LineFilter.StreamFilter streamFilter;

    // the entry being read
    private boolean bad;
    private boolean hasTimestamp;
    private Level level;

    /**
     * @param filter per stream, the floor below which lines are dropped unhashed and the ids every
     *               interested sink already has
     * @param chunks takes the new records a {@link RecordChunks#SIZE} at a time while the body is
     *               read, so no response is held as records whatever its size; {@link RecordChunks#KEEP}
     *               to keep them all in the returned {@link LogFetch}
     */
    LogsParser(JobRef job, LineFilter filter, ParseLimits limits, RecordChunks chunks) {
        this.job = job;
        this.filter = filter;
        this.maxBytes = limits.maxBytes();
        this.listBytes = limits.listBytes();
        this.maxLineBytes = limits.maxLineBytes();
        this.maxRecords = limits.maxRecords();
        this.chunks = chunks;
        this.assembler = new RecordAssembler(job);
    }

    /**
     * Parses the whole body.
     *
     * @throws MalformedResponseException the body is not a logs response
     * @throws IOException                reading the body failed (connection lost, read timeout)
     */
    LogFetch parse(InputStream body) throws MalformedResponseException, IOException {
        occurrences = OccurrenceCounter.borrow();
        occurrencesWithoutLevel = OccurrenceCounter.borrow();
        counted = new CountingInputStream(body, maxBytes, listBytes);
        // no line can be longer than what is read: then there is nothing to cut, and no byte to look at twice
        cutter = maxLineBytes < listBytes ? new LongStringCutter(counted, maxLineBytes) : null;
        try (JsonParser p = JSON.createParser(cutter == null ? counted : cutter)) { // closing the parser closes the body
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(p, "the body is not a JSON object");
            }
            readTop(p);
            if (p.nextToken() != null) {
                throw malformed(p, "content follows the logs object");
            }
        } catch (JsonProcessingException e) {
            // Jackson's message may quote body text; report only where it broke
            throw malformed(e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    e.getLocation() == null ? -1 : e.getLocation().getColumnNr(), "invalid or truncated JSON");
        } catch (CountingInputStream.LimitExceeded limit) {
            if (!cut) { // stopped at the cut itself: the array being read is the one cut
                cutHere();
            } else if (inArray) {
                arrays.add(new LogLayout.Array(arrayService, arrayTask, -1, false));
            }
            return fetch(beforeLastTimestamp(assembler.records()), cutCount, true, false);
        } catch (CharConversionException e) {
            // Jackson guesses UTF-16/32 from leading zero bytes and reads on; a code unit that is no character
            // is a bad body, not a broken connection (an IOException here would be retried as one)
            throw malformed(-1, -1, "bytes that are not text in the encoding the body starts in");
        } finally {
            occurrences.giveBack();
            occurrencesWithoutLevel.giveBack();
        }
        if (cut) {
            return fetch(beforeLastTimestamp(assembler.records()), cutCount, true, true);
        }
        return fetch(assembler.records(), counted.count(), false, true);
    }

    /** The outcome; with chunks, the last records go to them too. */
    private LogFetch fetch(List<LogRecord> last, long bytes, boolean truncated, boolean complete) {
        LogLayout.Array cutIn = !cutInArray ? null : arrays.stream()
                .filter(a -> a.service() == cutService && java.util.Objects.equals(a.taskId(), cutTask))
                .findFirst().orElse(new LogLayout.Array(cutService, cutTask, -1, false));
        LogLayout layout = new LogLayout(arrays, cutIn, linesBeyond, truncated ? counted.count() - cutCount : 0,
                complete);
        if (chunks == RecordChunks.KEEP) {
            return new LogFetch(last, skipped, malformed, bytes, truncated, deferred, unconfirmed, 0, cutLines, layout,
                    deferredOutOfOrder);
        }
        if (!last.isEmpty()) {
            handOver(new ArrayList<>(last));
        }
        return new LogFetch(List.of(), skipped, malformed, bytes, truncated, deferred, unconfirmed, chunked, cutLines,
                layout, deferredOutOfOrder);
    }

    /** The cut falls here: nothing more is read, the rest of the body is only passed over. */
    private void cutHere() {
        cut = true;
        cutCount = Math.min(counted.count(), maxBytes);
        cutInArray = inArray;
        cutService = arrayService;
        cutTask = arrayTask;
    }

    private Service cutService;
    private String cutTask;

    /** True once the cut has fallen; checked between entries, tasks and top-level fields. */
    private boolean passingOver() {
        if (!cut && counted.exceeded()) {
            cutHere();
        }
        return cut;
    }

    private void handOver(List<LogRecord> chunk) {
        if (!chunksRefused && chunks.accept(chunk)) {
            chunked += chunk.size();
        } else {
            chunksRefused = true;
            deferred += chunk.size();
        }
    }

    /**
     * The sorted records, less those of the array the cut fell in stamped at or after the last
     * complete entry's timestamp (which may have twins past the cut).
     */
    private List<LogRecord> beforeLastTimestamp(List<LogRecord> sorted) {
        if (!cutInArray || !hasLast) {
            return sorted;
        }
        Instant at = Instant.ofEpochSecond(lastSeconds, lastNanos);
        List<LogRecord> kept = new ArrayList<>(sorted.size());
        for (LogRecord record : sorted) {
            boolean inCutArray = record.service() == cutService && java.util.Objects.equals(record.taskId(), cutTask);
            if (!inCutArray || record.timestamp().isBefore(at)) {
                kept.add(record);
            } else {
                linesBeyond++; // may have twins past the cut: not shipped from this response
            }
        }
        return kept;
    }

    private void readTop(JsonParser p) throws IOException, MalformedResponseException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            passingOver();
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "partitioner" -> readInstances(p, value, Service.PARTITIONER, null, name);
                case "assembler" -> readInstances(p, value, Service.ASSEMBLER, null, name);
                case "taskrunner" -> readTaskrunner(p, value);
                default -> p.skipChildren();
            }
        }
        expectEnd(p, t, JsonToken.END_OBJECT);
    }

    private void readTaskrunner(JsonParser p, JsonToken value) throws IOException, MalformedResponseException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_OBJECT) {
            throw malformed(p, "\"taskrunner\" is not an object of tasks");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            passingOver();
            String taskId = p.currentName();
            readTask(p, p.nextToken(), taskId);
        }
        expectEnd(p, t, JsonToken.END_OBJECT);
    }

    private void readTask(JsonParser p, JsonToken value, String taskId) throws IOException, MalformedResponseException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_OBJECT) {
            throw malformed(p, "task \"" + taskId + "\" under \"taskrunner\" is not an object");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken field = p.nextToken();
            if (name.equals("logs")) {
                readInstances(p, field, Service.TASKRUNNER, taskId, "taskrunner." + taskId + ".logs");
            } else {
                p.skipChildren();
            }
        }
        expectEnd(p, t, JsonToken.END_OBJECT);
    }

    private void readInstances(JsonParser p, JsonToken value, Service service, String taskId, String where)
            throws IOException, MalformedResponseException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_ARRAY) {
            throw malformed(p, "\"" + where + "\" is not an array of log entries");
        }
        ids.prefix(job.id(), service, taskId);
        occurrences.nextArray(); // repeats never span arrays: the counter holds one array's lines
        occurrencesWithoutLevel.nextArray();
        arrayService = service;
        arrayTask = taskId;
        lastContainer = null;
        inArray = true;
        arrayDropped = 0;
        boolean readWhole = !cut;
        long start = p.currentTokenLocation().getByteOffset();
        long passedFrom = start;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (passingOver()) {
                if (readWhole) { // cut here: the bytes dropped from the rest are counted when passed
                    readWhole = false;
                    passedFrom = p.currentTokenLocation().getByteOffset();
                }
                p.skipChildren();
                linesBeyond++;
            } else if (t == JsonToken.START_OBJECT) {
                readEntry(p, service, taskId);
            } else {
                p.skipChildren(); // a number, string or array where an entry belongs
                malformed++;
            }
        }
        expectEnd(p, t, JsonToken.END_ARRAY);
        inArray = false;
        long end = p.currentLocation().getByteOffset();
        if (!readWhole) {
            arrayDropped += cutter == null ? 0 : cutter.droppedWithin(passedFrom, end);
        }
        arrays.add(new LogLayout.Array(service, taskId, end - start + arrayDropped, readWhole));
    }

    private void readEntry(JsonParser p, Service service, String taskId) throws IOException {
        bad = false;
        hasTimestamp = false;
        level = Level.UNKNOWN;
        cutBytes = 0;
        log.clear();
        container.clear();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "log" -> readLog(p, value);
                case "container" -> readString(p, value, container);
                case "timestamp" -> readTimestamp(p, value);
                case "level" -> readLevel(p, value);
                default -> p.skipChildren();
            }
        }
        if (hasTimestamp) {
            hasLast = true;
            lastSeconds = timestamps.seconds();
            lastNanos = timestamps.nanos();
            // every entry, below the floor or not: which buckets the counters evict must not depend on the floor
            occurrences.seen(timestamps.epochNanos());
            occurrencesWithoutLevel.seen(timestamps.epochNanos());
        }
        if (bad || !hasTimestamp) {
            malformed++;
            return;
        }
        String containerName = containerString();
        if (containerName != lastContainer) { // shared Strings: one filter look-up per stream and array
            lastContainer = containerName;
            streamFilter = filter.stream(arrayService, arrayTask, containerName);
        }
        if (timestamps.epochNanos() < streamFilter.floorNanos()) {
            skipped++;
            streamFilter.belowFloor();
        } else {
            keep(service, taskId, containerName);
        }
    }

    /** Numbers and hashes the line, then drops it if every sink was handed it, else makes its record. */
    private void keep(Service service, String taskId, String containerName) {
        ids.line(container.chars(), container.length(), timestamps.seconds(), timestamps.nanos(),
                log.chars(), log.length(), level);
        // identical lines share a timestamp, so counting in response order is counting in the
        // stable-sorted order the records are shipped in
        int occurrence = occurrences.next(ids.baseHigh(), ids.baseLow());
        boolean withoutLevel = timestamps.epochNanos() <= streamFilter.idsWithoutLevelUntilNanos();
        int occurrenceWithoutLevel = withoutLevel ? occurrenceWithoutLevel() : 0;
        if (occurrence == OccurrenceCounter.OVERFLOW || occurrenceWithoutLevel == OccurrenceCounter.OVERFLOW) {
            deferred++; // no number to give it safely: neither shipped nor skipped, and the round stays open
            deferredOutOfOrder = true;
            return;
        }
        ids.occurrence(occurrence);
        KnownIds.State state = streamFilter.state(ids.high(), ids.low(), timestamps.epochNanos());
        if (withoutLevel && state == KnownIds.State.UNKNOWN) {
            ids.withoutLevel(occurrenceWithoutLevel, idWithoutLevel);
            state = streamFilter.state(idWithoutLevel[0], idWithoutLevel[1], timestamps.epochNanos());
        }
        if (state != KnownIds.State.UNKNOWN) { // handed to every sink already: a record would be dropped unsent
            skipped++;
            if (state == KnownIds.State.SENT) {
                unconfirmed++;
            }
            return;
        }
        if (made == maxRecords || chunksRefused) {
            deferred++;
            deferredOutOfOrder |= made == maxRecords; // a refused chunk stops the parse after what was handed on
            return;
        }
        made++;
        if (cutBytes > 0) {
            cutLines++;
        }
        assembler.add(new RecordId(ids.high(), ids.low()), Instant.ofEpochSecond(timestamps.seconds(),
                timestamps.nanos()), service, taskId, containerName, level, log.toString(), cutBytes);
        if (chunks != RecordChunks.KEEP && assembler.size() == RecordChunks.SIZE) {
            handOver(assembler.drain());
        }
    }

    /** The line; when the cutter shortened it, how many bytes it dropped (asked only after a cut: no location object per line). */
    private void readLog(JsonParser p, JsonToken value) throws IOException {
        readString(p, value, log);
        if (value == JsonToken.VALUE_STRING && cutter != null && cutter.anyCut()) {
            cutBytes = cutter.cutWithin(p.currentTokenLocation().getByteOffset(), p.currentLocation().getByteOffset());
            arrayDropped += cutBytes;
        }
    }

    /**
     * A line a format-2 checkpoint may hold by its id without the level: numbered as format 2
     * numbered (every such line, so the numbering matches), to be looked up by that id when its
     * own id is unknown.
     */
    private int occurrenceWithoutLevel() {
        ids.baseWithoutLevel(idWithoutLevel);
        return occurrencesWithoutLevel.next(idWithoutLevel[0], idWithoutLevel[1]);
    }

    private void readString(JsonParser p, JsonToken value, ValueChars into) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            into.clear();
            p.getText(into);
        } else if (value != JsonToken.VALUE_NULL) {
            bad = true;
            p.skipChildren();
        }
    }

    private void readTimestamp(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            bad |= value != JsonToken.VALUE_NULL; // null is absent: the entry then has no timestamp
            p.skipChildren();
            return;
        }
        if (!timestamps.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
            bad = true;
            return;
        }
        hasTimestamp = true;
    }

    /** Levels arrive as enum names; grpc-gateway can also be set to send enum numbers, so accept those. */
    private void readLevel(JsonParser p, JsonToken value) throws IOException {
        switch (value) {
            case VALUE_STRING -> level = matchLevel(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case VALUE_NUMBER_INT -> {
                // a number past int range is an unknown level, not a reason to drop the response
                int n = p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : -1;
                level = n >= 0 && n < LEVELS.length ? LEVELS[n] : Level.UNKNOWN;
            }
            case VALUE_NULL -> level = Level.UNKNOWN;
            default -> {
                bad = true;
                p.skipChildren();
            }
        }
    }

    private static Level matchLevel(char[] chars, int offset, int length) {
        for (Level candidate : LEVELS) {
            String name = candidate.name();
            if (name.length() == length && equalsRegion(name, chars, offset)) {
                return candidate;
            }
        }
        return Level.UNKNOWN;
    }

    private static boolean equalsRegion(String name, char[] chars, int offset) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** Containers repeat on nearly every line ("main", ""): share their Strings within a response. */
    private String containerString() {
        for (int i = 0; i < containerCache.size(); i++) { // by index: an iterator per line would be garbage
            String cached = containerCache.get(i);
            if (container.contentEquals(cached)) {
                return cached;
            }
        }
        String made = container.toString();
        if (containerCache.size() < 16) {
            containerCache.add(made);
        }
        return made;
    }

    private void expectEnd(JsonParser p, JsonToken actual, JsonToken expected) throws MalformedResponseException {
        if (actual != expected) {
            throw malformed(p, actual == null ? "the body ends early" : "unexpected " + actual);
        }
    }

    private MalformedResponseException malformed(JsonParser p, String what) {
        return malformed(p.currentLocation().getLineNr(), p.currentLocation().getColumnNr(), what);
    }

    private MalformedResponseException malformed(int line, int column, String what) {
        return new MalformedResponseException("ByteNite POST /logs for job " + job.id()
                + " returned a body that is not a logs response: " + what
                + " (line " + line + ", column " + column + ")", null);
    }
}
