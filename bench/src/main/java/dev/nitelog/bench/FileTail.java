package dev.nitelog.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows the file sink's files: each {@link #poll} reads what was appended since the last one
 * and hands every complete line to the listener with the time it was seen. The arrival time is
 * therefore late by at most the polling period.
 */
final class FileTail {
    /** Receives complete lines; {@code line} is only valid during the call. */
    interface Listener {
        void line(byte[] buf, int from, int to, long seenAtMillis);
    }

    private final Path dir;
    private final Map<Path, Long> offsets = new HashMap<>();
    private final Map<Path, byte[]> partial = new HashMap<>();
    private long lines;
    private byte[] buf = new byte[1 << 20];

    FileTail(Path dir) {
        this.dir = dir;
    }

    long lines() {
        return lines;
    }

    /** Reads every file's new bytes; returns the complete lines seen in this call. */
    long poll(Listener listener) throws IOException {
        long before = lines;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
            for (Path f : files) {
                read(f, listener);
            }
        }
        return lines - before;
    }

    private void read(Path f, Listener listener) throws IOException {
        long offset = offsets.getOrDefault(f, 0L);
        try (RandomAccessFile in = new RandomAccessFile(f.toFile(), "r")) {
            long size = in.length();
            if (size <= offset) {
                return;
            }
            in.seek(offset);
            byte[] carry = partial.getOrDefault(f, new byte[0]);
            int n;
            while ((n = in.read(buf, carry.length, (int) Math.min(buf.length - carry.length, size - offset))) > 0) {
                System.arraycopy(carry, 0, buf, 0, carry.length);
                offset += n;
                int end = carry.length + n;
                long now = System.currentTimeMillis();
                int start = 0;
                for (int i = 0; i < end; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                        if (listener != null) {
                            listener.line(buf, start, i, now);
                        }
                        start = i + 1;
                    }
                }
                carry = java.util.Arrays.copyOfRange(buf, start, end);
                if (carry.length > buf.length / 2) {
                    buf = new byte[buf.length * 2];
                }
                if (offset >= size) {
                    break;
                }
            }
            partial.put(f, carry);
        }
        offsets.put(f, offset);
    }

    /** The sequence number of a record line's message ({@code "message":"seq=123 ...}), or -1. */
    static long seqOf(byte[] buf, int from, int to) {
        byte[] key = "\"message\":\"seq=".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i + key.length < to; i++) {
            for (int k = 0; k < key.length; k++) {
                if (buf[i + k] != key[k]) {
                    continue outer;
                }
            }
            long v = 0;
            for (int j = i + key.length; j < to && buf[j] >= '0' && buf[j] <= '9'; j++) {
                v = v * 10 + (buf[j] - '0');
            }
            return v;
        }
        return -1;
    }
}
