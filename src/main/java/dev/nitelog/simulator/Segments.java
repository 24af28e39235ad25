package dev.nitelog.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes written into fixed-size segments instead of one array: a rendered {@code /logs} body of a
 * 10M-line job (2.5 GB) is larger than any Java array, and the copies a growing array makes would
 * double what it costs.
 */
final class Segments extends OutputStream {
    private static final int SIZE = 1 << 20;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] last = new byte[SIZE];
    private int used;
    private long length;

    @Override
    public void write(int b) {
        if (used == SIZE) {
            nextSegment();
        }
        last[used++] = (byte) b;
        length++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (used == SIZE) {
                nextSegment();
            }
            int n = Math.min(len, SIZE - used);
            System.arraycopy(b, off, last, used, n);
            used += n;
            off += n;
            len -= n;
            length += n;
        }
    }

    private void nextSegment() {
        full.add(last);
        last = new byte[SIZE];
        used = 0;
    }

    long length() {
        return length;
    }

    /** Writes every byte written so far to {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        for (byte[] segment : full) {
            out.write(segment);
        }
        out.write(last, 0, used);
    }
}
