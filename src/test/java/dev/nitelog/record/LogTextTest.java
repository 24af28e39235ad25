package dev.nitelog.record;

import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTextTest {
    private static final String FORGED = "nightly\n2026-01-01T00:00:00Z INFO  [d.n.p.Lifecycle] nitelog stopped\r\u001b[2J";

    @Test
    void controlCharactersAndSeparatorsBecomeVisibleEscapes() {
        assertEquals("a\\nb\\rc\\td\\u001b[31me\\u0000f\\u2028g\\u202eh\\u007fi\\u0085j", LogText.escape(
                "a\nb\rc\td\u001b[31me\u0000f\u2028g\u202eh\u007fi\u0085j"));
        assertEquals("C:\\\\jobs\\\\n", LogText.escape("C:\\jobs\\n"), "a backslash cannot pass for an escape");
        assertEquals("the job (4f3c-…) (id 7)", LogText.job(new JobRef("id 7", "the job (4f3c-…)")));
        assertEquals(null, LogText.escape(null));
    }

    @Test
    void plainTextIsReturnedAsItIs() {
        String name = "Übersetzung 日本語 job-42 ✓";
        assertSame(name, LogText.escape(name));
    }

    @Test
    void aJobNameWithANewlineAndTerminalEscapesStaysOnOneLogLine() {
        List<String> lines;
        try (LogCapture capture = LogCapture.of(JobTracker.class, Level.ALL)) {
            JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), dev.nitelog.jobs.Drain.polls(1), id -> false, new Random(1));
            tracker.observe(new JobStatus(new JobRef("id\n1", FORGED), "JOB_STATE_RUNNING", JobPhase.ACTIVE, null),
                    Instant.parse("2026-01-01T00:00:00Z"));
            lines = capture.messages();
        }
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u001b"), line);
        assertTrue(line.contains("nightly\\n2026-01-01T00:00:00Z INFO") && line.contains("(id\\n1)"), line);
    }
}
