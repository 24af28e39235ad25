package dev.nitelog.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that encodes UTF-8 as it appends, so a sink can encode records one after
 * another into the same memory and write them in one call. Not thread-safe: one per worker.
 */
public final class Utf8Buffer {
    private byte[] bytes;
    private int size;

    public Utf8Buffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    /** Drops everything after {@code length}, e.g. to undo a record that turned out too large. */
    public void truncate(int length) {
        size = Math.min(size, length);
    }

    /** Empties the buffer and gives back its memory if it grew beyond {@code maxRetained} bytes. */
    public void trim(int maxRetained) {
        size = 0;
        if (bytes.length > maxRetained) {
            bytes = new byte[maxRetained];
        }
    }

    public byte[] array() {
        return bytes;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    public Utf8Buffer appendByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
        return this;
    }

    /** Appends text known to be ASCII (keys, enum names, digits). */
    public Utf8Buffer appendAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** Appends a non-negative number padded with zeros to {@code width} digits. */
    public Utf8Buffer appendPadded(long value, int width) {
        ensure(width);
        for (int i = width - 1; i >= 0; i--) {
            bytes[size + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += width;
        return this;
    }

    /**
     * Appends the chars of {@code s} from {@code from} on while they are printable ASCII other than
     * {@code "} and {@code \}, which is most of any JSON string: one capacity check for the run
     * instead of one per char.
     *
     * @return the index of the first char not appended (it needs escaping or UTF-8 encoding), or
     *         the length of {@code s}
     */
    public int appendUnescapedAscii(CharSequence s, int from) {
        int n = s.length();
        ensure(n - from);
        byte[] b = bytes;
        int at = size;
        int i = from;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                break;
            }
            b[at++] = (byte) c;
        }
        size = at;
        return i;
    }

    /** Appends one UTF-16 code point (as a surrogate pair when needed); lone surrogates become U+FFFD. */
    public Utf8Buffer appendCodePoint(int cp) {
        ensure(4);
        if (cp < 0x80) {
            bytes[size++] = (byte) cp;
        } else if (cp < 0x800) {
            bytes[size++] = (byte) (0xC0 | cp >> 6);
            bytes[size++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            if (Character.isSurrogate((char) cp)) {
                cp = 0xFFFD;
            }
            bytes[size++] = (byte) (0xE0 | cp >> 12);
            bytes[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
            bytes[size++] = (byte) (0x80 | cp & 0x3F);
        } else {
            bytes[size++] = (byte) (0xF0 | cp >> 18);
            bytes[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
            bytes[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
            bytes[size++] = (byte) (0x80 | cp & 0x3F);
        }
        return this;
    }

    /** Appends text as UTF-8 without escaping. */
    public Utf8Buffer appendUtf8(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                ensure(1);
                bytes[size++] = (byte) c;
            } else {
                i = appendNonAscii(s, i, c);
            }
        }
        return this;
    }

    /** Appends the char at {@code i} (and its low surrogate); returns the index of the last char consumed. */
    int appendNonAscii(CharSequence s, int i, char c) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            appendCodePoint(Character.toCodePoint(c, s.charAt(i + 1)));
            return i + 1;
        }
        appendCodePoint(c);
        return i;
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }
}
