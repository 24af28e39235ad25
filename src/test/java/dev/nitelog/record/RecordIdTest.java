package dev.nitelog.record;

import com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RecordIdTest {

    @Test
    void streamingMurmur3MatchesGuavaOnRandomInputsOfEveryLength() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int length = 0; length < 200; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            RecordId.Murmur3 ours = new RecordId.Murmur3().reset();
            ours.putBytes(bytes);
            RecordId id = ours.finish();
            byte[] expected = Hashing.murmur3_128().hashBytes(bytes).asBytes();
            ByteBuffer le = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(new RecordId(le.getLong(), le.getLong()), id, "seed " + seed + ", length " + length);
        }
    }

    /** Ids are persisted (Elasticsearch _id, Kafka header, checkpoints): the hash must never change. */
    @Test
    void idsOfKnownLinesNeverChange() {
        assertEquals("52fe437c7b09cb838aee19aa0147e01d", RecordId.of("3f1c6a2e-8b0d-4e57-9c1a-7d2e5b6f8a90",
                Service.TASKRUNNER, "task-1", "main", Instant.parse("2025-07-11T16:29:20.125431870Z"),
                "epoch 3 step 1200/5000 loss=0.4821 \u2014 \u00fcn\u00efc\u00f8d\u00e9 \u2713", 2).hex());
        assertEquals("14a998133f60c8fa41c25d6e2699d6d9", RecordId.of("j", Service.PARTITIONER, null, "",
                Instant.parse("2025-07-11T16:29:20Z"), "", 0).hex());
    }

    @Test
    void idIsMurmur3OfTheDocumentedByteSequenceForFieldsOfEveryLength() {
        long seed = Long.getLong("recordid.seed", System.nanoTime());
        System.out.println("RecordIdTest seed " + seed + " (-Drecordid.seed to re-run)");
        Random random = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            String job = text(random, random.nextInt(40));
            String task = random.nextBoolean() ? null : text(random, random.nextInt(40));
            String container = text(random, random.nextInt(20));
            String message = text(random, random.nextInt(300));
            Instant ts = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1_000_000), random.nextInt(1_000_000_000));
            Service service = Service.values()[random.nextInt(Service.values().length)];
            int occurrence = random.nextInt(5);
            ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            for (String s : new String[] {job, service.wireName(), task == null ? "" : task, container}) {
                putString(b, s);
            }
            b.putLong(ts.getEpochSecond()).putInt(ts.getNano());
            putString(b, message);
            b.putInt(occurrence);
            byte[] bytes = java.util.Arrays.copyOf(b.array(), b.position());
            ByteBuffer le = ByteBuffer.wrap(Hashing.murmur3_128().hashBytes(bytes).asBytes()).order(ByteOrder.LITTLE_ENDIAN);
            RecordId expected = new RecordId(le.getLong(), le.getLong());
            assertEquals(expected, RecordId.of(job, service, task, container, ts, message, occurrence), "seed " + seed);
            assertEquals(expected, RecordId.of(job, service, task, container, ts, new StringBuilder(message), occurrence),
                    "seed " + seed);
        }
    }

    @Test
    void hasherOverCharBuffersGivesTheSameIdsAsOfWithoutAllocating() {
        long seed = Long.getLong("recordid.seed", System.nanoTime());
        System.out.println("RecordIdTest hasher seed " + seed + " (-Drecordid.seed to re-run)");
        Random random = new Random(seed);
        RecordId.Hasher hasher = new RecordId.Hasher();
        char[] container = new char[64];
        char[] message = new char[512];
        for (int round = 0; round < 3000; round++) {
            String job = text(random, random.nextInt(40));
            String task = random.nextBoolean() ? null : text(random, random.nextInt(40));
            String c = text(random, random.nextInt(20));
            String m = text(random, random.nextInt(300));
            Instant ts = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1_000_000), random.nextInt(1_000_000_000));
            Service service = Service.values()[random.nextInt(Service.values().length)];
            int occurrence = random.nextInt(5);
            c.getChars(0, c.length(), container, 0);
            m.getChars(0, m.length(), message, 0);
            hasher.prefix(job, service, task);
            hasher.line(container, c.length(), ts.getEpochSecond(), ts.getNano(), message, m.length());
            long baseHigh = hasher.baseHigh();
            long baseLow = hasher.baseLow();
            hasher.occurrence(occurrence);
            assertEquals(RecordId.of(job, service, task, c, ts, m, occurrence),
                    new RecordId(hasher.high(), hasher.low()), "seed " + seed);
            hasher.line(container, c.length(), ts.getEpochSecond(), ts.getNano(), message, m.length());
            assertEquals(baseHigh, hasher.baseHigh(), "the base hash does not depend on the occurrence");
            assertEquals(baseLow, hasher.baseLow());
        }
    }

    private static void putString(ByteBuffer b, String s) {
        b.putInt(s.length());
        for (int i = 0; i < s.length(); i++) {
            b.putChar(s.charAt(i));
        }
    }

    private static String text(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(4) == 0 ? (char) (0x80 + random.nextInt(0x3000)) : (char) (' ' + random.nextInt(95)));
        }
        return s.toString();
    }

    @Test
    void idIsStableForTheSameLine() {
        Instant ts = Instant.parse("2025-07-11T16:29:20.125431870Z");
        RecordId a = RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, "container started", 0);
        RecordId b = RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, new StringBuilder("container started"), 0);
        assertEquals(a, b);
        assertEquals(a, RecordId.parse(a.hex()));
        assertEquals(32, a.hex().length());
    }

    @Test
    void distinguishesLinesThatDifferInOneFieldOrTheirOccurrence() {
        Instant ts = Instant.parse("2025-07-11T16:29:20.125431870Z");
        RecordId base = RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, "x", 0);
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, "x", 1));
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts.plusNanos(1), "x", 0));
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, "t1", "", ts, "x", 0));
        assertNotEquals(base, RecordId.of("job", Service.ASSEMBLER, "t1", "main", ts, "x", 0));
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, null, "main", ts, "x", 0));
        // field boundaries are length-prefixed, so shifting text between fields changes the id
        assertNotEquals(RecordId.of("job", Service.TASKRUNNER, "ab", "c", ts, "x", 0),
                RecordId.of("job", Service.TASKRUNNER, "a", "bc", ts, "x", 0));
    }
}
