package dev.nitelog.sink.file;


/**
 * A file sink's checked settings.
 *
 * @param maxSize      a file is rotated before a write would make it larger (bytes)
 * @param maxFiles     rotated files kept per path; 0 keeps all
 * @param compress     gzip rotated files
 * @param fsync        when bytes are forced to disk
 * @param maxOpenFiles most files open at once
 */
record FileSinkSettings(long maxSize, int maxFiles, boolean compress, FsyncPolicy fsync, int maxOpenFiles) {
}
