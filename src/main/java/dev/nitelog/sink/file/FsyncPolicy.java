package dev.nitelog.sink.file;

/** When a file sink forces written bytes to the disk (fsync). */
public enum FsyncPolicy {
    /** After every write: slowest, nothing confirmed can be lost even by a machine crash. */
    ALWAYS,
    /** At every flush, just before records are confirmed: the default, the same guarantee as {@link #ALWAYS}. */
    INTERVAL,
    /** Never: bytes are handed to the OS; a machine crash (not a process crash) may lose the last seconds. */
    NEVER
}
