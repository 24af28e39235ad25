package dev.nitelog.bytenite;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JobClassifierTest {

    @ParameterizedTest(name = "state {0}, endedAt {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "JOB_STATE_COMPLETE,          null,                      TERMINAL",
            "JOB_STATE_FAILED,            null,                      TERMINAL",
            "JOB_STATE_ABORTED,           null,                      TERMINAL",
            "JOB_STATE_CANCELLED,         null,                      TERMINAL",
            "JOB_STATE_CANCELED,          null,                      TERMINAL",
            "JOB_STATE_ERROR,             null,                      TERMINAL",
            "JOB_STATE_DELETED,           null,                      TERMINAL",
            "JOB_STATE_DELETING,          null,                      TERMINAL",
            "JOB_STATE_NEW,               null,                      PENDING",
            "JOB_STATE_NEW,               2025-05-01T20:38:12.930Z,  TERMINAL",
            "JOB_STATE_RUNNING,           null,                      ACTIVE",
            "JOB_STATE_PARTITIONING,      null,                      ACTIVE",
            "JOB_STATE_MERGING,           null,                      ACTIVE",
            "JOB_STATE_SOMETHING_NEW,     null,                      ACTIVE",
            "JOB_STATE_RUNNING,           2025-05-01T20:38:12.930Z,  TERMINAL",
            "null,                        null,                      ACTIVE",
            "'',                          null,                      ACTIVE",
            "null,                        2025-05-01T20:38:12.930Z,  TERMINAL",
            "JOB_STATE_RUNNING,           '',                        ACTIVE",
    })
    void classifiesStates(String state, String endedAt, JobPhase expected) {
        assertEquals(expected, JobClassifier.classify(state, endedAt));
    }
}
