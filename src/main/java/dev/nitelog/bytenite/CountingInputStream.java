package dev.nitelog.bytenite;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read through it, for {@link LogFetch#responseBytes()}, and optionally stops at
 * a limit: a body of exactly the limit reads normally, and the first read that would go beyond it
 * throws {@link LimitExceeded} instead of returning data.
 */
final class CountingInputStream extends FilterInputStream {
    private final long limit;
    private final long softLimit;
    private long count;

    CountingInputStream(InputStream in) {
        this(in, Long.MAX_VALUE);
    }

    /** @param limit the most bytes this stream hands out */
    CountingInputStream(InputStream in, long limit) {
        this(in, limit, limit);
    }

    /**
     * @param softLimit past this many bytes {@link #exceeded()} turns true, and reading goes on
     * @param limit     the most bytes this stream hands out
     */
    CountingInputStream(InputStream in, long softLimit, long limit) {
        super(in);
        this.softLimit = softLimit;
        this.limit = limit;
    }

    long count() {
        return count;
    }

    /** True once more than the soft limit was handed out. */
    boolean exceeded() {
        return count > softLimit;
    }

    @Override
    public int read() throws IOException {
        if (count >= limit) {
            return atLimit();
        }
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (count >= limit) {
            return atLimit();
        }
        long upTo = count < softLimit ? softLimit : limit; // stop at the soft limit once: it is passed exactly there
        int n = super.read(b, off, (int) Math.min(len, upTo - count));
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skippedBytes = super.skip(Math.min(n, limit - count));
        count += skippedBytes;
        return skippedBytes;
    }

    /** At the limit: the end of the body if it really ends here, else the limit is exceeded. */
    private int atLimit() throws IOException {
        if (super.read() < 0) {
            return -1;
        }
        throw new LimitExceeded(limit);
    }

    /** The body is longer than the limit; reading stopped there. */
    static final class LimitExceeded extends IOException {
        LimitExceeded(long limit) {
            super("the body is longer than " + limit + " bytes");
        }
    }
}
