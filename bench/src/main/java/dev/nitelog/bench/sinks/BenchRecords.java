package dev.nitelog.bench.sinks;

import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates log records that look like a busy ByteNite account: a few dozen jobs, each with a
 * partitioner, an assembler and many task runners, lines of 40 to 400 characters from typical
 * application and platform templates (with quotes, paths, JSON fragments and now and then non-ASCII
 * text), in timestamp order. The same seed gives the same records.
 */
final class BenchRecords {
    private static final String[] TEMPLATES = {
        "Processing chunk %d of %d (%d bytes) from s3://bytenite-input/%s/part-%05d.parquet",
        "Task %s finished in %d ms, exit code 0",
        "GET https://api.bytenite.com/v1/jobs/%s/status -> 200 (%d ms)",
        "Downloading model weights: %d%% (%d/%d MiB)",
        "WARN: retrying upload of frame %d after connection reset by peer (attempt %d/5)",
        "{\"event\":\"progress\",\"frame\":%d,\"total\":%d,\"fps\":%d.%d,\"eta_s\":%d}",
        "ffmpeg -i /data/in/%s.mp4 -vf scale=%d:-2 -c:v libx264 -preset veryfast -crf %d /data/out/%s.mp4",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line %d, in <module>\n    run()",
        "Assembler merged %d partial results into /data/out/result-%s.tar.gz (%d files)",
        "Partitioner split input into %d tasks of about %d MiB each; key=\"%s\"",
        "Résultat intermédiaire: %d éléments traités — durée %d ms — état «ok»",
        "memory usage: rss=%d MiB heap=%d MiB gc_pause=%d ms threads=%d",
    };
    private static final Pattern SPEC = Pattern.compile("%(0?\\d*[ds%])");
    private static final Level[] LEVELS = {Level.INFO, Level.INFO, Level.INFO, Level.INFO, Level.DEBUG,
        Level.UNKNOWN, Level.UNKNOWN, Level.WARN, Level.ERROR};

    private BenchRecords() {
    }

    /** {@code count} records over {@code jobs} jobs; seeded, so both sides of a bench get the same. */
    static List<LogRecord> generate(int count, int jobs, long seed) {
        Random random = new Random(seed);
        List<String> jobIds = new ArrayList<>();
        List<String> jobNames = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            jobIds.add(new UUID(random.nextLong(), random.nextLong()).toString());
            jobNames.add("render-batch-" + (1000 + random.nextInt(9000)));
        }
        long nanos = Instant.parse("2026-11-20T08:00:00Z").getEpochSecond() * 1_000_000_000L;
        List<LogRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            nanos += 1 + random.nextInt(2_000_000);
            int job = random.nextInt(jobs);
            int s = random.nextInt(20);
            Service service = s == 0 ? Service.PARTITIONER : s == 1 ? Service.ASSEMBLER : Service.TASKRUNNER;
            String taskId = service == Service.TASKRUNNER ? "task-" + job + "-" + random.nextInt(64) : null;
            String container = random.nextInt(4) == 0 ? "" : service.jsonName() + "-app";
            String message = message(random);
            Instant timestamp = Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
            RecordId id = RecordId.of(jobIds.get(job), service, taskId, container, timestamp, message, Level.INFO, 0);
            records.add(new LogRecord(id, timestamp, jobIds.get(job), jobNames.get(job), service, taskId, container,
                    LEVELS[random.nextInt(LEVELS.length)], message));
        }
        return records;
    }

    private static String message(Random r) {
        String template = TEMPLATES[r.nextInt(TEMPLATES.length)];
        Matcher m = SPEC.matcher(template);
        List<Object> values = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).endsWith("s")) {
                values.add(Long.toHexString(r.nextLong()));
            } else if (m.group(1).endsWith("d")) {
                values.add(r.nextInt(100_000));
            }
        }
        String text = String.format(template, values.toArray());
        int extra = r.nextInt(8) == 0 ? r.nextInt(200) : 0; // now and then a long line
        return extra == 0 ? text : text + " " + "x".repeat(extra / 2) + Long.toHexString(r.nextLong()).repeat(extra / 32 + 1);
    }
}
