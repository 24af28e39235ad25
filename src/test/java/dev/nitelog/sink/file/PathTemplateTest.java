package dev.nitelog.sink.file;

import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.nitelog.sink.file.FileSinkTesting.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathTemplateTest {
    @TempDir
    Path dir;

    @Test
    void substitutesJobServiceJobNameAndTheRecordsUtcDate() {
        PathTemplate t = PathTemplate.parse(dir + "/{service}/{job}-{job_name}-{date}.log");
        Path p = t.resolve(rec("j1", "m", Instant.parse("2025-07-11T23:59:59.999Z")));
        assertEquals(dir.resolve("taskrunner/j1-name of j1-2025-07-11.log"), p);
        assertTrue(t.hasDate());
        assertEquals(dir, t.base());
    }

    @Test
    void takesTheDateFromEachRecordAcrossMidnight() {
        PathTemplate t = PathTemplate.parse(dir + "/{job}/{date}.log");
        assertEquals(dir.resolve("j/2025-07-11.log"), t.resolve(rec("j", "a", Instant.parse("2025-07-11T23:59:59.999999999Z"))));
        assertEquals(dir.resolve("j/2025-07-12.log"), t.resolve(rec("j", "b", Instant.parse("2025-07-12T00:00:00Z"))));
        assertEquals(dir.resolve("j/1969-12-31.log"), t.resolve(rec("j", "c", Instant.parse("1969-12-31T23:00:00Z"))));
    }

    @Test
    void reusesThePathForConsecutiveRecordsOfOneFile() {
        PathTemplate t = PathTemplate.parse(dir + "/{job}.log");
        Path first = t.resolve(rec("j", "a", FileSinkTesting.T0));
        assertSame(first, t.resolve(rec("j", "b", FileSinkTesting.T0.plusSeconds(86_400))));
    }

    @Test
    void containsJobIdsThatTryToLeaveTheBaseDirectory() {
        PathTemplate t = PathTemplate.parse(dir + "/logs/{job}/{job_name}.log");
        for (String evil : List.of("../../etc", "..", ".", "", "a/../../b", "..\\..\\x", "x\u0000y", "\n", "/etc/passwd",
                "....//....//", "~")) {
            LogRecord r = new LogRecord(rec(evil, "m", FileSinkTesting.T0).id(), FileSinkTesting.T0, evil, evil,
                    dev.nitelog.record.Service.ASSEMBLER, null, "", dev.nitelog.record.Level.INFO, "m");
            Path p = t.resolve(r);
            assertNotNull(p, evil);
            assertTrue(p.startsWith(dir.resolve("logs")), evil + " -> " + p);
            assertEquals(dir.resolve("logs"), p.getParent().getParent(), evil + " -> " + p);
            assertFalse(p.toString().contains(".."), evil + " -> " + p);
        }
    }

    @Test
    void sanitisesSeparatorsDotsAndControlCharactersAndCutsLongValues() {
        assertEquals("___etc", PathTemplate.sanitise("../etc"));
        assertEquals("______etc", PathTemplate.sanitise("../../etc"));
        assertEquals("a_b_c", PathTemplate.sanitise("a/b\\c"));
        assertEquals("a_b", PathTemplate.sanitise("a\u0001b"));
        assertEquals("_", PathTemplate.sanitise("."));
        assertEquals("_", PathTemplate.sanitise(""));
        assertEquals("job-1.x", PathTemplate.sanitise("job-1.x"));
        assertEquals(120, PathTemplate.sanitise("x".repeat(500)).length());
        assertEquals(40, PathTemplate.sanitise("日".repeat(100)).length()); // 3 bytes each
    }

    @Test
    void rejectsATemplateWithDotDotSegmentsOrUnknownPlaceholders() {
        assertEquals("contains a '..' segment: use a path without '..'",
                assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/var/log/../etc/{job}.log")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("{job}/../x.log"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/var/{jobid}.log"))
                .getMessage().contains("{jobid}"));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/var/{job.log"));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/var/job}.log"));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/var/{job}/"));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse(" "));
    }

    @Test
    void theBaseIsTheDirectoryBeforeTheFirstPlaceholder() {
        assertEquals(dir.resolve("a"), PathTemplate.parse(dir + "/a/job-{job}/x.log").base());
        assertEquals(dir.resolve("a"), PathTemplate.parse(dir + "/a/fixed.log").base());
        assertEquals(Path.of("").toAbsolutePath(), PathTemplate.parse("{job}.log").base());
    }
}
