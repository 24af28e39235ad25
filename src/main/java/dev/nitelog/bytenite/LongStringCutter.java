package dev.nitelog.bytenite;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts every JSON string of a body that is longer than a bound, so that one huge line costs the
 * parser at most that bound: Jackson holds a whole string value in memory before handing it on, so
 * the bound has to act on the bytes, before Jackson sees them. The bytes past the bound are dropped
 * up to the string's closing quote, never inside a UTF-8 sequence or an escape, so what remains is
 * still valid JSON.
 *
 * <p>The parser learns which of its strings was cut by position: each cut is remembered as the
 * offset, in the bytes handed out, of the cut string's closing quote ({@link #cutWithin}).
 * Strings are told apart from structure by quotes and backslashes alone; on a body that is not
 * JSON the parser fails as it would without this stream.
 */
final class LongStringCutter extends FilterInputStream {
    private static final int NO_CUT = -1;
    private static final int AFTER_BACKSLASH = -1;
    private static final java.lang.invoke.VarHandle WORDS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private final long maxStringBytes;
    private long handedOut;

    private boolean inString;
    private int escape; // AFTER_BACKSLASH, or the hex digits still to come of a backslash-u escape
    private long stringBytes; // kept so far of the current string, on the careful path
    private long stringStart; // offset, in the bytes handed out, of the current string's first byte
    private long dropped = NO_CUT; // bytes dropped from the current string, NO_CUT while it is whole

    // cuts not yet claimed by the parser, oldest first: closing-quote offset and bytes dropped
    private long[] cutEnds = new long[4];
    private long[] cutBytes = new long[4];
    private int cutsHead;
    private int cutsTail;

    LongStringCutter(InputStream in, long maxStringBytes) {
        super(in);
        this.maxStringBytes = maxStringBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int kept;
        do { // inside a string being dropped a whole read may vanish: read on rather than return 0
            int n = super.read(b, off, len);
            if (n < 0) {
                return -1;
            }
            kept = filter(b, off, n);
        } while (kept == 0);
        handedOut += kept;
        return kept;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a JSON body is read, not skipped"); // skipping would lose the string state
    }

    /** Drops, in place, the bytes of strings past the bound; returns how many bytes are kept. */
    private int filter(byte[] b, int off, int n) {
        int end = off + n;
        int i = scan(b, off, end);
        if (i == end) {
            return n; // the common case: nothing near a bound, every byte kept where it is
        }
        stringBytes = handedOut + (i - off) - stringStart;
        int to = i;
        for (; i < end; i++) {
            byte c = b[i];
            if (keep(c, to - off)) {
                b[to++] = c;
            }
        }
        return to - off;
    }

    /**
     * The fast path: finds quotes and backslashes with two comparisons a byte, and stops where a
     * string reaches the bound (or one is being cut), for {@link #keep} to go on byte by byte.
     *
     * @return where the careful path takes over, or {@code end}
     */
    private int scan(byte[] b, int off, int end) {
        int i = off;
        while (i < end && dropped == NO_CUT) {
            if (!inString) {
                i = skipWords(b, i, end, false);
                while (i < end && b[i] != '"') {
                    i++;
                }
                if (i < end) {
                    inString = true;
                    stringStart = handedOut + (i - off) + 1;
                    i++;
                }
            } else if (escape != 0) {
                escape = escape == AFTER_BACKSLASH ? (b[i] == 'u' ? 4 : 0) : escape - 1;
                i++;
            } else {
                long left = stringStart + maxStringBytes - (handedOut + (i - off));
                int stop = (int) Math.min(end, i + Math.max(0, left));
                i = skipWords(b, i, stop, true);
                while (i < stop && b[i] != '"' && b[i] != '\\') {
                    i++;
                }
                if (i == stop) {
                    if (stop < end) {
                        return i; // at the bound inside a string
                    }
                } else if (b[i] == '"') {
                    inString = false;
                    i++;
                } else {
                    escape = AFTER_BACKSLASH;
                    i++;
                }
            }
        }
        return i;
    }

    /** @param keptBefore bytes kept from this read before {@code c}: positions the closing quote */
    private boolean keep(byte c, int keptBefore) {
        if (!inString) {
            if (c == '"') {
                inString = true;
                stringBytes = 0;
                stringStart = handedOut + keptBefore + 1;
                dropped = NO_CUT;
            }
            return true;
        }
        if (escape == AFTER_BACKSLASH) {
            escape = c == 'u' ? 4 : 0; // backslash-u takes four hex digits more
            return count();
        }
        if (escape > 0) {
            escape--;
            return count();
        }
        if (c == '"') {
            inString = false;
            if (dropped != NO_CUT) {
                remember(handedOut + keptBefore, dropped);
            }
            return true;
        }
        if (dropped == NO_CUT && stringBytes >= maxStringBytes && (c & 0xC0) != 0x80) {
            dropped = 0; // cut here: at a character's first byte, never inside an escape
        }
        if (c == '\\') {
            escape = AFTER_BACKSLASH;
        }
        return count();
    }

    /**
     * Skips whole 8-byte words holding no quote (and, in a string, no backslash): a JSON body is
     * mostly such words, and testing eight bytes at once keeps this pass far cheaper than the parse.
     */
    private static int skipWords(byte[] b, int i, int end, boolean backslashToo) {
        while (i + Long.BYTES <= end) {
            long word = (long) WORDS.get(b, i);
            if (hasByte(word, QUOTES) || backslashToo && hasByte(word, BACKSLASHES)) {
                return i;
            }
            i += Long.BYTES;
        }
        return i;
    }

    /** Whether any byte of {@code word} is the byte repeated in {@code pattern} (no false negatives). */
    private static boolean hasByte(long word, long pattern) {
        long x = word ^ pattern;
        return ((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0;
    }

    /** Counts a byte of the current string; false when it is dropped. */
    private boolean count() {
        if (dropped != NO_CUT) {
            dropped++;
            return false;
        }
        stringBytes++;
        return true;
    }

    private void remember(long quoteOffset, long bytes) {
        if (cutsTail == cutEnds.length) {
            int live = cutsTail - cutsHead;
            long[] ends = new long[Math.max(4, live * 2)];
            long[] sizes = new long[ends.length];
            System.arraycopy(cutEnds, cutsHead, ends, 0, live);
            System.arraycopy(cutBytes, cutsHead, sizes, 0, live);
            cutEnds = ends;
            cutBytes = sizes;
            cutsHead = 0;
            cutsTail = live;
        }
        cutEnds[cutsTail] = quoteOffset;
        cutBytes[cutsTail++] = bytes;
    }

    /** True when any cut is waiting to be claimed: the parser asks {@link #cutWithin} only then. */
    boolean anyCut() {
        return cutsHead < cutsTail;
    }

    /**
     * The bytes dropped from every string whose closing quote lies between {@code from} and
     * {@code to} (offsets in the bytes handed out), claimed: for a part of the body passed over
     * without reading its lines.
     */
    long droppedWithin(long from, long to) {
        long bytes = 0;
        while (cutsHead < cutsTail && cutEnds[cutsHead] < to) {
            if (cutEnds[cutsHead] >= from) {
                bytes += cutBytes[cutsHead];
            }
            cutsHead++;
        }
        return bytes;
    }

    /**
     * The bytes dropped from the string whose opening quote is at {@code from} and whose closing
     * quote lies before {@code to} (offsets in the bytes handed out), or 0 when it was whole. Cuts
     * before {@code from} belong to strings the parser has passed and are forgotten.
     */
    long cutWithin(long from, long to) {
        while (cutsHead < cutsTail && cutEnds[cutsHead] < from) {
            cutsHead++;
        }
        if (cutsHead < cutsTail && cutEnds[cutsHead] < to) {
            return cutBytes[cutsHead++];
        }
        return 0;
    }
}
