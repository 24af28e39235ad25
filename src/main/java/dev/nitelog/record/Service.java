package dev.nitelog.record;

/** The ByteNite service that wrote a line: one of the three parts of every job. */
public enum Service {
    PARTITIONER("partitioner"),
    ASSEMBLER("assembler"),
    TASKRUNNER("taskrunner");

    private final String jsonName;

    Service(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The lower-case name used in nitelog's output records and in path templates. */
    public String jsonName() {
        return jsonName;
    }

    /** The upper-case name ByteNite uses on the wire (request filter values). */
    public String wireName() {
        return name();
    }
}
