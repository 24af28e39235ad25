package dev.nitelog.config;

/** How a line-oriented sink (stdout, file) writes a record. */
public enum OutputFormat {
    /** One canonical JSON object per line (README, "Record schema"). */
    JSON,
    /** {@code <timestamp> <LEVEL> <job name>/<service>[/<task>] <container> | <message>}. */
    TEXT
}
