package dev.nitelog.record;

import java.time.Instant;

/**
 * A record's stable 128-bit identity: MurmurHash3 x64-128 (seed 0) of the line's identity tuple.
 *
 * <p>The tuple is (job id, service, task id, container, timestamp, message, level, occurrence),
 * hashed in that order: each string as its length in UTF-16 units (int32) followed by its UTF-16
 * code units (two bytes each), a null task id as the empty string, the service by its wire name,
 * the timestamp as epoch seconds (int64) then nanoseconds (int32), the level by its name
 * ({@code INFO}), and the occurrence (int32): the number of identical tuples before it in the same
 * response. All integers little-endian. The occurrence keeps two identical lines both, and makes
 * the n-th copy the same record on every poll; the level keeps two lines that differ only in it
 * apart whatever the levels a poll asks for. Hashing runs over the fields in place, so computing
 * an id allocates nothing but the result.
 *
 * <p>Checkpoint format 2 and before held ids computed without the level ({@link #withoutLevel}):
 * a stream restored from one is matched against both until those ids age out of its window.
 */
public record RecordId(long high, long low) {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<Murmur3> HASHER = ThreadLocal.withInitial(Murmur3::new);

    /** Computes the id of one line; see the class comment for the exact byte sequence. */
    public static RecordId of(String jobId, Service service, String taskId, String container,
                              Instant timestamp, CharSequence message, Level level, int occurrence) {
        Murmur3 h = identity(jobId, service, taskId, container, timestamp, message);
        h.putString(level.name());
        h.putInt(occurrence);
        return h.finish();
    }

    /**
     * The id as checkpoint format 2 and before computed it: the same tuple without the level (the
     * occurrence then counts lines identical but for their level too).
     */
    public static RecordId withoutLevel(String jobId, Service service, String taskId, String container,
                                        Instant timestamp, CharSequence message, int occurrence) {
        Murmur3 h = identity(jobId, service, taskId, container, timestamp, message);
        h.putInt(occurrence);
        return h.finish();
    }

    private static Murmur3 identity(String jobId, Service service, String taskId, String container,
                                    Instant timestamp, CharSequence message) {
        Murmur3 h = HASHER.get().reset();
        h.putString(jobId);
        h.putString(service.wireName());
        h.putString(taskId == null ? "" : taskId);
        h.putString(container);
        h.putLong(timestamp.getEpochSecond());
        h.putInt(timestamp.getNano());
        h.putString(message);
        return h;
    }

    /** Parses the 32-character hex form produced by {@link #hex()}. */
    public static RecordId parse(String hex) {
        if (hex.length() != 32) {
            throw new IllegalArgumentException("a record id has 32 hex digits, got " + hex.length());
        }
        return new RecordId(Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
    }

    /** The 32 lower-case hex digits: the Elasticsearch {@code _id}, Kafka header and JSON {@code id}. */
    public String hex() {
        char[] out = new char[32];
        fill(out, 0, high);
        fill(out, 16, low);
        return new String(out);
    }

    private static void fill(char[] out, int offset, long value) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    @Override
    public String toString() {
        return hex();
    }

    /**
     * Computes ids without allocating, for the parser's hot path: the identity fields come
     * straight from char buffers, the constant prefix (job, service, task) is hashed once per
     * array of lines, and the result is left in {@link #high()} and {@link #low()}. Also gives the
     * hash of the tuple without the occurrence ({@link #baseHigh()}, {@link #baseLow()}), by which
     * identical lines are counted. Bit-identical to {@link #of}. One per thread; not thread-safe.
     */
    public static final class Hasher {
        private static final String[] LEVEL_NAMES = levelNames();
        private final Murmur3 prefix = new Murmur3();
        private final Murmur3 line = new Murmur3();
        private final Murmur3 base = new Murmur3();
        private final Murmur3 withoutLevel = new Murmur3();
        private long baseHigh;
        private long baseLow;

        /** Sets the fields shared by a run of lines; a null task id hashes as the empty string. */
        public void prefix(String jobId, Service service, String taskId) {
            prefix.reset();
            prefix.putString(jobId);
            prefix.putString(service.wireName());
            prefix.putString(taskId == null ? "" : taskId);
        }

        /** Hashes one line's remaining identity fields, all but the occurrence. */
        public void line(char[] container, int containerLength, long epochSeconds, int nanos,
                         char[] message, int messageLength, Level level) {
            line.copyFrom(prefix);
            line.putChars(container, containerLength);
            line.putLong(epochSeconds);
            line.putInt(nanos);
            line.putChars(message, messageLength);
            withoutLevel.copyFrom(line); // kept for withoutLevel(): a copy of a few longs
            line.putString(LEVEL_NAMES[level.ordinal()]);
            base.copyFrom(line);
            base.finishInPlace();
            baseHigh = base.h1;
            baseLow = base.h2;
        }

        /**
         * The hash of the last {@link #line} without its level and occurrence, as checkpoint
         * format 2 counted identical lines; then {@link #withoutLevel(int)} completes that id.
         */
        public long[] baseWithoutLevel(long[] into) {
            base.copyFrom(withoutLevel);
            base.finishInPlace();
            into[0] = base.h1;
            into[1] = base.h2;
            return into;
        }

        /** Completes the last line's format-2 id with its format-2 occurrence, into {@code into}. */
        public long[] withoutLevel(int occurrence, long[] into) {
            withoutLevel.putInt(occurrence);
            withoutLevel.finishInPlace();
            into[0] = withoutLevel.h1;
            into[1] = withoutLevel.h2;
            return into;
        }

        private static String[] levelNames() {
            Level[] levels = Level.values();
            String[] names = new String[levels.length];
            for (int i = 0; i < levels.length; i++) {
                names[i] = levels[i].name();
            }
            return names;
        }

        /** Completes the id of the last {@link #line} with its occurrence. */
        public void occurrence(int occurrence) {
            line.putInt(occurrence);
            line.finishInPlace();
        }

        /** The hash of the last line's tuple without its occurrence. */
        public long baseHigh() {
            return baseHigh;
        }

        /** See {@link #baseHigh()}. */
        public long baseLow() {
            return baseLow;
        }

        /** The id's high half, after {@link #occurrence}. */
        public long high() {
            return line.h1;
        }

        /** The id's low half, after {@link #occurrence}. */
        public long low() {
            return line.h2;
        }
    }

    /** Streaming MurmurHash3 x64-128: fed byte groups, processes each 16-byte block as it fills. */
    static final class Murmur3 {
        private static final long C1 = 0x87c37b91114253d5L;
        private static final long C2 = 0x4cf5ad432745937fL;

        private long h1;
        private long h2;
        private long k1;
        private long k2;
        private int fill; // bytes in the pending block (k1 holds bytes 0-7, k2 bytes 8-15)
        private long length;

        Murmur3 reset() {
            h1 = h2 = k1 = k2 = 0;
            fill = 0;
            length = 0;
            return this;
        }

        /**
         * Hot: one call per identity field of every kept line. Chars go in two bytes at a time,
         * and whole 16-byte blocks (8 chars) straight into the mix, instead of byte by byte.
         */
        void putString(CharSequence s) {
            int n = s.length();
            putInt(n);
            int i = 0;
            while (i < n && fill != 0) {
                putChar(s.charAt(i++));
            }
            if (s instanceof String str) {
                for (; n - i >= 8; i += 8) {
                    k1 = chars4(str.charAt(i), str.charAt(i + 1), str.charAt(i + 2), str.charAt(i + 3));
                    k2 = chars4(str.charAt(i + 4), str.charAt(i + 5), str.charAt(i + 6), str.charAt(i + 7));
                    length += 16;
                    mixBlock();
                }
            }
            while (i < n) {
                putChar(s.charAt(i++));
            }
        }

        /** As {@link #putString} over {@code chars[0, n)}. */
        void putChars(char[] chars, int n) {
            putInt(n);
            int i = 0;
            while (i < n && fill != 0) {
                putChar(chars[i++]);
            }
            for (; n - i >= 8; i += 8) {
                k1 = chars4(chars[i], chars[i + 1], chars[i + 2], chars[i + 3]);
                k2 = chars4(chars[i + 4], chars[i + 5], chars[i + 6], chars[i + 7]);
                length += 16;
                mixBlock();
            }
            while (i < n) {
                putChar(chars[i++]);
            }
        }

        void copyFrom(Murmur3 other) {
            h1 = other.h1;
            h2 = other.h2;
            k1 = other.k1;
            k2 = other.k2;
            fill = other.fill;
            length = other.length;
        }

        private static long chars4(char a, char b, char c, char d) {
            return a | (long) b << 16 | (long) c << 32 | (long) d << 48;
        }

        /** Raw bytes, for checking the hash against published test vectors. */
        void putBytes(byte[] bytes) {
            for (byte b : bytes) {
                putByte(b & 0xFF);
            }
        }

        void putInt(int v) {
            putChar((char) v);
            putChar((char) (v >>> 16));
        }

        void putLong(long v) {
            putInt((int) v);
            putInt((int) (v >>> 32));
        }

        /** Two bytes, low first. With an even fill they never straddle k1 and k2. */
        private void putChar(char c) {
            if ((fill & 1) != 0) { // only after putBytes of an odd length
                putByte(c & 0xFF);
                putByte(c >>> 8);
                return;
            }
            long v = c;
            if (fill < 8) {
                k1 |= v << (8 * fill);
            } else {
                k2 |= v << (8 * (fill - 8));
            }
            length += 2;
            fill += 2;
            if (fill == 16) {
                mixBlock();
            }
        }

        private void putByte(int b) {
            long v = (long) b & 0xFF;
            if (fill < 8) {
                k1 |= v << (8 * fill);
            } else {
                k2 |= v << (8 * (fill - 8));
            }
            length++;
            if (++fill == 16) {
                mixBlock();
            }
        }

        private void mixBlock() {
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
            k1 = k2 = 0;
            fill = 0;
        }

        RecordId finish() {
            finishInPlace();
            return new RecordId(h1, h2);
        }

        /** Finishes into h1 and h2; the state is then spent until the next reset or copy. */
        void finishInPlace() {
            if (fill > 0) { // the tail: mixed without the block's final rotations
                h1 ^= mixK1(k1);
                h2 ^= mixK2(k2);
            }
            h1 ^= length;
            h2 ^= length;
            h1 += h2;
            h2 += h1;
            h1 = fmix64(h1);
            h2 = fmix64(h2);
            h1 += h2;
            h2 += h1;
        }

        private static long mixK1(long k) {
            k *= C1;
            k = Long.rotateLeft(k, 31);
            return k * C2;
        }

        private static long mixK2(long k) {
            k *= C2;
            k = Long.rotateLeft(k, 33);
            return k * C1;
        }

        private static long fmix64(long k) {
            k ^= k >>> 33;
            k *= 0xff51afd7ed558ccdL;
            k ^= k >>> 33;
            k *= 0xc4ceb9fe1a85ec53L;
            k ^= k >>> 33;
            return k;
        }
    }
}
