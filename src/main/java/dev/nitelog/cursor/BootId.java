package dev.nitelog.cursor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which boot of the machine this is, so that a restart can tell a process that died (its writes
 * are still in the page cache) from a machine that crashed (they may be gone).
 */
public final class BootId {
    /** Linux: a random id the kernel makes at every boot. */
    public static final Path LINUX = Path.of("/proc/sys/kernel/random/boot_id");

    /** What {@link #read} answers where there is no boot id: it never equals another. */
    public static final String UNKNOWN = "";

    private BootId() {
    }

    /** This boot's id, or {@link #UNKNOWN}. */
    public static String current() {
        return read(LINUX);
    }

    /** The boot id in {@code file}, or {@link #UNKNOWN} when it cannot be read. */
    static String read(Path file) {
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return id.length() > 128 ? UNKNOWN : id;
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /** True when both name the same known boot. */
    static boolean same(String a, String b) {
        return !a.equals(UNKNOWN) && a.equals(b);
    }
}
