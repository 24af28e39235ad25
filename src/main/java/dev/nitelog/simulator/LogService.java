package dev.nitelog.simulator;

/** The three parts of a ByteNite job that write logs, by their wire names. */
public enum LogService {
    PARTITIONER,
    ASSEMBLER,
    TASKRUNNER
}
