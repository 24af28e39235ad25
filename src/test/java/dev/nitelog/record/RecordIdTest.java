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

    /**
     * Ids are persisted (Elasticsearch _id, Kafka header, checkpoints): the hash must never change.
     * The ids without the level are those of checkpoint format 2, matched while a restored
     * window still holds them.
     */
    @Test
    void idsOfKnownLinesNeverChange() {
        Instant ts = Instant.parse("2025-07-11T16:29:20.125431870Z");
        String message = "epoch 3 step 1200/5000 loss=0.4821 \u2014 \u00fcn\u00efc\u00f8d\u00e9 \u2713";
        String job = "3f1c6a2e-8b0d-4e57-9c1a-7d2e5b6f8a90";
        assertEquals("52fe437c7b09cb838aee19aa0147e01d",
                RecordId.withoutLevel(job, Service.TASKRUNNER, "task-1", "main", ts, message, 2).hex());
        assertEquals("14a998133f60c8fa41c25d6e2699d6d9", RecordId.withoutLevel("j", Service.PARTITIONER, null, "",
                Instant.parse("2025-07-11T16:29:20Z"), "", 0).hex());
        assertEquals(KNOWN_WITH_LEVEL_1, RecordId.of(job, Service.TASKRUNNER, "task-1", "main", ts, message, Level.INFO, 2).hex());
        assertEquals(KNOWN_WITH_LEVEL_2, RecordId.of("j", Service.PARTITIONER, null, "",
                Instant.parse("2025-07-11T16:29:20Z"), "", Level.UNKNOWN, 0).hex());
    }

    /** Pinned when the level joined the id (checkpoint format 3); the byte sequence test checks them against Guava. */
    private static final String KNOWN_WITH_LEVEL_1 = "3122cf5a66e34157bbffe827840ca13d";
    private static final String KNOWN_WITH_LEVEL_2 = "1bb909dea1470f527d071ba25dbe9800";

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
            Level level = Level.values()[random.nextInt(Level.values().length)];
            ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            for (String s : new String[] {job, service.wireName(), task == null ? "" : task, container}) {
                putString(b, s);
            }
            b.putLong(ts.getEpochSecond()).putInt(ts.getNano());
            putString(b, message);
            ByteBuffer withoutLevel = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            withoutLevel.put(b.array(), 0, b.position()).putInt(occurrence);
            putString(b, level.name());
            b.putInt(occurrence);
            RecordId expected = murmur(b);
            assertEquals(expected, RecordId.of(job, service, task, container, ts, message, level, occurrence), "seed " + seed);
            assertEquals(expected, RecordId.of(job, service, task, container, ts, new StringBuilder(message), level, occurrence),
                    "seed " + seed);
            assertEquals(murmur(withoutLevel), RecordId.withoutLevel(job, service, task, container, ts, message, occurrence),
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
            Level level = Level.values()[random.nextInt(Level.values().length)];
            c.getChars(0, c.length(), container, 0);
            m.getChars(0, m.length(), message, 0);
            hasher.prefix(job, service, task);
            hasher.line(container, c.length(), ts.getEpochSecond(), ts.getNano(), message, m.length(), level);
            long baseHigh = hasher.baseHigh();
            long baseLow = hasher.baseLow();
            hasher.occurrence(occurrence);
            assertEquals(RecordId.of(job, service, task, c, ts, m, level, occurrence),
                    new RecordId(hasher.high(), hasher.low()), "seed " + seed);
            long[] withoutLevel = hasher.withoutLevel(occurrence, new long[2]);
            assertEquals(RecordId.withoutLevel(job, service, task, c, ts, m, occurrence),
                    new RecordId(withoutLevel[0], withoutLevel[1]), "seed " + seed);
            hasher.line(container, c.length(), ts.getEpochSecond(), ts.getNano(), message, m.length(), level);
            assertEquals(baseHigh, hasher.baseHigh(), "the base hash does not depend on the occurrence");
            assertEquals(baseLow, hasher.baseLow());
            long[] base = hasher.baseWithoutLevel(new long[2]);
            hasher.line(container, c.length(), ts.getEpochSecond(), ts.getNano(), message, m.length(),
                    Level.values()[(level.ordinal() + 1) % Level.values().length]);
            assertNotEquals(baseHigh, hasher.baseHigh(), "the level is part of the base");
            assertEquals(base[0], hasher.baseWithoutLevel(new long[2])[0], "but not of the base without it");
        }
    }

    private static RecordId murmur(ByteBuffer written) {
        byte[] bytes = java.util.Arrays.copyOf(written.array(), written.position());
        ByteBuffer le = ByteBuffer.wrap(Hashing.murmur3_128().hashBytes(bytes).asBytes()).order(ByteOrder.LITTLE_ENDIAN);
        return new RecordId(le.getLong(), le.getLong());
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
        RecordId a = RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, "container started", Level.INFO, 0);
        RecordId b = RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, new StringBuilder("container started"), Level.INFO, 0);
        assertEquals(a, b);
        assertEquals(a, RecordId.parse(a.hex()));
        assertEquals(32, a.hex().length());
    }

    @Test
    void distinguishesLinesThatDifferInOneFieldOrTheirOccurrence() {
        Instant ts = Instant.parse("2025-07-11T16:29:20.125431870Z");
        RecordId base = RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, "x", Level.INFO, 0);
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, "x", Level.INFO, 1));
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts.plusNanos(1), "x", Level.INFO, 0));
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, "t1", "", ts, "x", Level.INFO, 0));
        assertNotEquals(base, RecordId.of("job", Service.ASSEMBLER, "t1", "main", ts, "x", Level.INFO, 0));
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, null, "main", ts, "x", Level.INFO, 0));
        assertNotEquals(base, RecordId.of("job", Service.TASKRUNNER, "t1", "main", ts, "x", Level.ERROR, 0),
                "two lines that differ only in level");
        // field boundaries are length-prefixed, so shifting text between fields changes the id
        assertNotEquals(RecordId.of("job", Service.TASKRUNNER, "ab", "c", ts, "x", Level.INFO, 0),
                RecordId.of("job", Service.TASKRUNNER, "a", "bc", ts, "x", Level.INFO, 0));
    }
}
