package dev.nitelog.bytenite;

import java.io.Writer;
import java.util.Arrays;

/**
 * A reusable, growable char buffer that Jackson writes a string value into
 * ({@code JsonParser.getText(Writer)}): the text is copied segment by segment, never aggregated
 * into a fresh array or String, so a line is only turned into a String once it is known to be kept.
 */
final class ValueChars extends Writer {
    private char[] chars = new char[256];
    private int length;

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    char[] chars() {
        return chars;
    }

    boolean contentEquals(String s) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (chars[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }

    @Override
    public void write(char[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, chars, length, count);
        length += count;
    }

    @Override
    public void write(String source, int offset, int count) {
        ensure(count);
        source.getChars(offset, offset + count, chars, length);
        length += count;
    }

    @Override
    public void write(int c) {
        ensure(1);
        chars[length++] = (char) c;
    }

    private void ensure(int more) {
        int needed = length + more;
        if (needed > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(needed, chars.length * 2));
        }
    }

    @Override
    public void flush() {
        // nothing buffered elsewhere
    }

    @Override
    public void close() {
        // reusable: closing does not discard the buffer
    }
}
