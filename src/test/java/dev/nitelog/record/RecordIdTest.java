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
