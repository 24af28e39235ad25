package dev.nitelog.cursor;

import dev.nitelog.cursor.Lines.Line;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random jobs whose log grows over polls, every poll returning the whole log, fed through the
 * cursors as the pipeline will: each sink takes what is new, delivers it in batches that sometimes
 * fail (rollback), and the process sometimes restarts from a checkpoint. Every visible line must
 * reach every sink exactly once, and out of timestamp order only when it really arrived late.
 *
 * <p>Re-run a failure with {@code -Ddedup.seed=<seed>}; {@code -Ddedup.runs=} changes the count.
 */
class DedupPropertyTest {

    private static final Duration LATENESS = Duration.ofSeconds(10);
    private static final long L = LATENESS.toNanos();
    private static final String[] CONTAINERS = {"main", "sidecar", ""};
    private static final String[] MESSAGES = {"tick", "loading", "done", "retrying", "ok"};

    @Test
    void emitsEveryLineExactlyOncePerSinkInTimestampOrder() {
        long seed = Long.getLong("dedup.seed", System.nanoTime());
        int runs = Integer.getInteger("dedup.runs", 10_000);
        System.out.println("DedupPropertyTest seed " + seed + " (re-run: -Ddedup.seed=" + seed + ")");
        long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        Random seeds = new Random(seed);
        for (int run = 0; run < runs; run++) {
            long runSeed = seeds.nextLong();
            try {
                new Simulation(new Random(runSeed), "run" + run).run();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", run " + run + ": " + e.getMessage(), e);
            }
        }
        long cpuMillis = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        System.out.println("DedupPropertyTest " + runs + " runs in " + cpuMillis + " ms of CPU");
    }

    /** How the simulated client narrows a response before the cursors see it. */
    private enum Skip { NONE, JOB_FLOOR, SINK_FLOOR }

    /** One line's identity as the client numbers it. */
    private record Key(Line line, int occurrence) {
    }

    /** A record a sink confirmed, and in which poll. */
    private record Emitted(Key key, long time, int poll) {
    }

    private static final class Job {
        final String id;
        final List<Line> visible = new ArrayList<>();
        final Map<Line, List<Integer>> addedAt = new HashMap<>(); // poll that made the n-th copy visible
        final Map<RecordId, Key> keys = new HashMap<>();
        final Map<Key, LogRecord> records = new HashMap<>();
        long newest;
        long newestBeforePoll;

        Job(String id, long start) {
            this.id = id;
            this.newest = start;
            this.newestBeforePoll = start;
        }

        void add(Line line, int poll) {
            visible.add(line);
            addedAt.computeIfAbsent(line, l -> new ArrayList<>()).add(poll);
            newest = Math.max(newest, IdWindow.nanos(line.timestamp()));
        }

        int firstVisible(Key key) {
            return addedAt.get(key.line()).get(key.occurrence());
        }
    }

    private static final class Simulation {
        final Random random;
        final List<String> sinks = new ArrayList<>();
        final List<Job> jobs = new ArrayList<>();
        final Skip skip;
        final Map<String, List<Emitted>> emitted = new HashMap<>(); // by sink + job
        final Map<String, JobSnapshot> disk = new HashMap<>();
        Cursors cursors = new Cursors(LATENESS);
        long savedVersion = -1;

        Simulation(Random random, String name) {
            this.random = random;
            int sinkCount = 1 + random.nextInt(3);
            for (int i = 0; i < sinkCount; i++) {
                sinks.add("sink" + i);
            }
            long start = IdWindow.nanos(Lines.T0) + random.nextInt(1_000_000_000);
            int jobCount = 1 + random.nextInt(2);
            for (int i = 0; i < jobCount; i++) {
                jobs.add(new Job(name + "-job" + i, start));
            }
            skip = Skip.values()[random.nextInt(Skip.values().length)];
        }

        void run() {
            int growing = 2 + random.nextInt(9);
            for (int poll = 0; poll < growing + 2; poll++) {
                boolean settling = poll >= growing; // the last polls deliver without faults
                for (Job job : jobs) {
                    job.newestBeforePoll = job.newest;
                    if (!settling) {
                        grow(job, poll);
                    }
                }
                Map<Job, List<LogRecord>> responses = new HashMap<>();
                for (Job job : jobs) {
                    responses.put(job, response(job));
                }
                List<String> order = new ArrayList<>(sinks);
                Collections.shuffle(order, random);
                for (String sink : order) {
                    offer(sink, responses, poll, !settling);
                }
                if (random.nextInt(4) == 0) {
                    checkpoint();
                }
                if (!settling && random.nextInt(8) == 0) {
                    restart();
                }
            }
            verify();
        }

        /** New lines: mostly in order, some sharing a timestamp, identical copies, late arrivals. */
        void grow(Job job, int poll) {
            int count = random.nextInt(7);
            for (int i = 0; i < count; i++) {
                Line last = job.visible.isEmpty() ? null : job.visible.get(job.visible.size() - 1);
                if (last != null && IdWindow.nanos(last.timestamp()) < job.newestBeforePoll - L) {
                    last = null; // a line stamped like it would now be late beyond the window
                }
                int kind = random.nextInt(20);
                if (last != null && kind < 3) {
                    job.add(last, poll); // an identical line
                } else if (last != null && kind < 6) {
                    job.add(new Line(job.id, last.service(), last.taskId(), last.container(), last.timestamp(),
                            pick(MESSAGES)), poll); // same time and container, another line
                } else if (kind < 9) {
                    // late, but never more than the lateness below anything visible before this poll
                    long time = job.newestBeforePoll - (random.nextInt(4) == 0 ? L : (long) (random.nextDouble() * L));
                    job.add(line(job, time), poll);
                } else if (kind < 10 && !job.visible.isEmpty()) {
                    Line old = job.visible.get(random.nextInt(job.visible.size()));
                    if (IdWindow.nanos(old.timestamp()) >= job.newestBeforePoll - L) {
                        job.add(old, poll); // one more copy of an older line, still within the window
                    }
                } else {
                    long gap = switch (random.nextInt(6)) {
                        case 0 -> 0;
                        case 1 -> L + random.nextInt(1_000_000); // jumps past the window
                        default -> random.nextInt(3_000_000) * 1_000L + random.nextInt(1000);
                    };
                    job.add(line(job, job.newest + gap), poll);
                }
            }
        }

        Line line(Job job, long time) {
            Service service = Service.values()[random.nextInt(2) + 1];
            String task = service == Service.TASKRUNNER ? "task-" + random.nextInt(2) : null;
            return new Line(job.id, service, task, pick(CONTAINERS), IdWindow.instant(time), pick(MESSAGES));
        }

        <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }

        /**
         * The whole log in an arbitrary order, then the client's stable sort and numbering (as
         * {@link Lines#response}; a record is built once per (line, occurrence) and reused, since
         * hashing every line of every poll would dominate the run time).
         */
        List<LogRecord> response(Job job) {
            List<Line> sorted = new ArrayList<>(job.visible);
            Collections.shuffle(sorted, random);
            sorted.sort(Comparator.comparing(Line::timestamp));
            Map<Line, Integer> occurrences = new HashMap<>();
            List<LogRecord> records = new ArrayList<>(sorted.size());
            for (Line line : sorted) {
                Key key = new Key(line, occurrences.merge(line, 1, Integer::sum) - 1);
                LogRecord record = job.records.computeIfAbsent(key, k -> Lines.record(k.line(), k.occurrence()));
                job.keys.putIfAbsent(record.id(), key);
                records.add(record);
            }
            return records;
        }

        void offer(String sink, Map<Job, List<LogRecord>> responses, int poll, boolean faults) {
            List<LogRecord> unsent = new ArrayList<>();
            for (Job job : jobs) {
                List<LogRecord> response = narrow(job, sink, responses.get(job));
                Unsent taken = cursors.takeUnsent(job.id, sink, response);
                if (skip == Skip.SINK_FLOOR) {
                    assertEquals(0, taken.lateBeyondWindow(), "nothing is late: every line arrives within the window");
                }
                unsent.addAll(taken.records());
            }
            deliver(sink, unsent, poll, faults);
        }

        List<LogRecord> narrow(Job job, String sink, List<LogRecord> response) {
            Instant floor = switch (skip) {
                case NONE -> null;
                case JOB_FLOOR -> cursors.skipFloor(job.id, sinks);
                case SINK_FLOOR -> cursors.skipFloor(job.id, List.of(sink));
            };
            return floor == null ? response
                    : response.stream().filter(r -> !r.timestamp().isBefore(floor)).toList();
        }

        /** Batches of a random size; a failed batch rolls the sink back and drops the rest. */
        void deliver(String sink, List<LogRecord> unsent, int poll, boolean faults) {
            int from = 0;
            while (from < unsent.size()) {
                int to = Math.min(unsent.size(), from + 1 + random.nextInt(Math.max(1, unsent.size())));
                if (faults && random.nextInt(6) == 0) {
                    cursors.rollback(sink);
                    return;
                }
                List<LogRecord> batch = unsent.subList(from, to);
                cursors.commit(sink, batch);
                for (LogRecord record : batch) {
                    Job job = job(record.jobId());
                    emitted.computeIfAbsent(sink + "/" + job.id, k -> new ArrayList<>())
                            .add(new Emitted(job.keys.get(record.id()), IdWindow.nanos(record.timestamp()), poll));
                }
                from = to;
            }
        }

        Job job(String id) {
            return jobs.stream().filter(j -> j.id.equals(id)).findFirst().orElseThrow();
        }

        /** A debounced flush: only the jobs changed since the last one, through the file format. */
        void checkpoint() {
            CursorSnapshot snapshot = cursors.snapshotCommitted(savedVersion);
            snapshot.jobs().forEach((id, job) -> disk.put(id, throughBytes(job)));
            disk.keySet().retainAll(snapshot.allJobs());
            savedVersion = snapshot.version();
        }

        /** A graceful restart: flush, then a new process restores what is on disk. */
        void restart() {
            checkpoint();
            cursors = new Cursors(LATENESS);
            cursors.restore(new CursorSnapshot(0, disk.keySet(), disk));
            savedVersion = 0;
        }

        void verify() {
            for (String sink : sinks) {
                for (Job job : jobs) {
                    List<Emitted> got = emitted.getOrDefault(sink + "/" + job.id, List.of());
                    assertExactlyOnce(sink, job, got);
                    assertInOrderUnlessLate(sink, job, got);
                }
            }
        }

        void assertExactlyOnce(String sink, Job job, List<Emitted> got) {
            Map<Line, Integer> expected = new HashMap<>();
            job.visible.forEach(line -> expected.merge(line, 1, Integer::sum));
            Map<Line, Integer> actual = new HashMap<>();
            Set<Key> distinct = new HashSet<>();
            for (Emitted e : got) {
                actual.merge(e.key().line(), 1, Integer::sum);
                if (!distinct.add(e.key())) {
                    fail(sink + " got " + e.key() + " twice");
                }
            }
            if (!expected.equals(actual)) {
                Map<Line, Integer> missing = new HashMap<>(expected);
                actual.forEach((line, n) -> missing.merge(line, -n, Integer::sum));
                missing.values().removeIf(n -> n == 0);
                fail(sink + " did not get every line of " + job.id + " exactly once (line: missing copies, "
                        + "negative for extra ones): " + missing + " skip " + skip);
            }
        }

        /**
         * For every b emitted after a newer a: b must not have been visible in a's poll. Checked
         * against the newest record emitted so far in each poll, so linear in the records.
         */
        void assertInOrderUnlessLate(String sink, Job job, List<Emitted> got) {
            Map<Integer, Emitted> newestByPoll = new HashMap<>();
            for (Emitted b : got) {
                int visibleFrom = job.firstVisible(b.key());
                for (Map.Entry<Integer, Emitted> entry : newestByPoll.entrySet()) {
                    Emitted a = entry.getValue();
                    if (entry.getKey() >= visibleFrom && a.time() > b.time()) {
                        fail(sink + " emitted " + b.key() + " after the newer " + a.key()
                                + " though both were visible in poll " + a.poll());
                    }
                }
                newestByPoll.merge(b.poll(), b, (x, y) -> x.time() >= y.time() ? x : y);
            }
        }
    }

    /** A checkpoint goes through the file format, as a restart reads it from disk. */
    private static JobSnapshot throughBytes(JobSnapshot job) {
        try {
            return CheckpointCodec.decode(CheckpointCodec.encode(job));
        } catch (CheckpointCodec.UnreadableCheckpoint e) {
            throw new AssertionError("a checkpoint just written does not decode: " + e.getMessage(), e);
        }
    }
}
