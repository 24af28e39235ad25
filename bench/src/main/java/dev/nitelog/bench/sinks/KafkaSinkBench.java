package dev.nitelog.bench.sinks;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.Utf8Buffer;
import dev.nitelog.sink.kafka.KafkaSinkFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Issue #4's benchmark: records/s of the Kafka sink against Debian's kcat producing the same key
 * and value bytes with the same producer settings to the same local broker, as a ratio per run.
 *
 * <p>Each iteration produces the same records three times, each into a fresh topic with the same
 * partition count: nitelog's {@code KafkaSink} driven through the SPI as {@code SinkWorker} drives
 * it (batches of the configured batch size, a flush every flush interval and at the end, timed from
 * the first write to the last acknowledgement), kcat with four constant headers of the same names
 * and lengths as nitelog's, and kcat without headers. A run counts only if each topic's end offsets
 * add up to the number of records. The order of the three sides rotates from run to run.
 */
public final class KafkaSinkBench {
    private static final String SINK = "bench";

    private final String bootstrap;
    private final int partitions;
    private final String kcat;
    private final Path work;
    private final List<LogRecord> records;
    private final SinkConfig config;
    private final Duration flushInterval = SinkConfigs.defaultFlushInterval();
    private final Path kcatInput;
    private final List<String> kcatSettings;
    private final List<String> kcatHeaders;
    private final List<String> invalid = new ArrayList<>();
    private int topicSeq;

    private KafkaSinkBench(Args args) throws IOException {
        bootstrap = args.require("bootstrap");
        partitions = args.getInt("partitions", 3);
        kcat = args.get("kcat", "kcat");
        work = Path.of(args.get("work", "bench/work/sinks"));
        long seed = Long.parseLong(args.get("seed", "20261128"));
        records = BenchRecords.generate(args.getInt("records", 500_000), args.getInt("jobs", 40), seed);
        config = SinkConfigs.sink(SINK, "kafka", Map.of("topic", "unused", "producer.bootstrap.servers", bootstrap));
        kcatInput = work.resolve("kafka-records.tsv");
        writeKcatInput(kcatInput);
        kcatSettings = kcatSettings();
        LogRecord first = records.get(0);
        kcatHeaders = List.of("nitelog-record-id=" + first.id().hex(), "nitelog-job-id=" + first.jobId(),
                "nitelog-service=" + first.service().jsonName(), "nitelog-level=" + first.level().name());
    }

    public static void main(String[] argv) throws Exception {
        BenchLogging.likeProduction();
        Args args = new Args(argv);
        int warmups = args.getInt("warmups", 1);
        int runs = args.getInt("runs", 5);
        KafkaSinkBench bench = new KafkaSinkBench(args);
        System.out.printf("kafka bench: %d records (%d MB of values), %d partitions, batch size %d, flush every %s,"
                        + " %d warm-up + %d runs%n", bench.records.size(), Files.size(bench.kcatInput) >> 20,
                bench.partitions, bench.config.batchSize(), bench.flushInterval, warmups, runs);
        List<Double> nitelog = new ArrayList<>();
        List<Double> kcat = new ArrayList<>();
        List<Double> kcatBare = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> ratioBare = new ArrayList<>();
        List<Double> nitelogCpu = new ArrayList<>();
        List<Double> kcatCpu = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            boolean warmup = i < warmups;
            Timed[] t;
            try {
                t = bench.iteration(i, warmup && i == 0);
            } catch (Exception e) {
                bench.invalid.add(e.toString());
                System.out.printf("invalid run, repeating it: %s%n", e);
                if (bench.invalid.size() > runs) {
                    throw new IllegalStateException("more invalid runs than runs: giving up", e);
                }
                i--;
                continue;
            }
            System.out.printf("%s %d: nitelog %.0f rec/s, kcat %.0f rec/s, kcat without headers %.0f rec/s, ratio %.3f;"
                            + " CPU ms per 1000: nitelog %.1f, kcat %.1f%n",
                    warmup ? "warm-up" : "run", warmup ? i + 1 : i - warmups + 1, t[0].perSecond(), t[1].perSecond(),
                    t[2].perSecond(), t[0].perSecond() / t[1].perSecond(), t[0].cpuMillisPerThousand(),
                    t[1].cpuMillisPerThousand());
            if (!warmup) {
                nitelog.add(t[0].perSecond());
                kcat.add(t[1].perSecond());
                kcatBare.add(t[2].perSecond());
                ratio.add(t[0].perSecond() / t[1].perSecond());
                ratioBare.add(t[0].perSecond() / t[2].perSecond());
                nitelogCpu.add(t[0].cpuMillisPerThousand());
                kcatCpu.add(t[1].cpuMillisPerThousand());
            }
        }
        BenchResult result = new BenchResult("kafka", "Kafka sink vs kcat: records/s to the same local broker", warmups, runs)
                .figure("nitelog KafkaSink", "records/s", nitelog, null, null)
                .figure("kcat (4 constant headers)", "records/s", kcat, null, null)
                .figure("nitelog / kcat", "ratio", ratio, ">=", 0.8)
                .figure("kcat without headers", "records/s", kcatBare, null, null)
                .figure("nitelog / kcat without headers", "ratio", ratioBare, null, null)
                .figure("nitelog CPU per 1000 records (bench JVM)", "ms", nitelogCpu, null, null)
                .figure("kcat CPU per 1000 records (4 constant headers)", "ms", kcatCpu, null, null);
        bench.notes(result);
        System.out.print(result.table());
        result.write(Path.of(args.get("out", "bench/results/kafka.json")), args.get("commit", "unknown"));
    }

    /** nitelog, kcat and kcat without headers, in an order that rotates with {@code i}. */
    private Timed[] iteration(int i, boolean compare) throws Exception {
        Timed[] out = new Timed[3];
        List<String> topics = new ArrayList<>(List.of("", "", ""));
        try {
            for (int k = 0; k < 3; k++) {
                int side = (i + k) % 3;
                topics.set(side, createTopic(side == 0 ? "nitelog" : side == 1 ? "kcat" : "kcat-bare"));
                out[side] = side == 0 ? runNitelog(topics.get(side)) : runKcat(topics.get(side), side == 1);
                verifyCount(topics.get(side));
            }
            if (compare) {
                compareMessages(topics.get(0), topics.get(1));
            }
        } finally {
            deleteTopics(topics.stream().filter(t -> !t.isEmpty()).toList());
        }
        return out;
    }

    private Timed runNitelog(String topic) throws SinkException {
        Map<String, String> keys = Map.of("topic", topic, "producer.bootstrap.servers", bootstrap);
        SinkConfig sinkConfig = SinkConfigs.sink(SINK, "kafka", keys);
        Sink sink = SinkConfigs.create(new KafkaSinkFactory(), SINK, keys);
        try {
            long cpu = Client.jvmCpuNanos();
            long nanos = SinkDriver.writeAll(sink, records, sinkConfig.batchSize(), flushInterval);
            return new Timed(records.size(), nanos, Client.jvmCpuNanos() - cpu);
        } finally {
            sink.close();
        }
    }

    private Timed runKcat(String topic, boolean headers) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(kcat, "-P", "-q", "-b", bootstrap, "-t", topic, "-K", "\\t",
                "-l", kcatInput.toString()));
        command.addAll(kcatSettings);
        if (headers) {
            kcatHeaders.forEach(h -> command.addAll(List.of("-H", h)));
        }
        return Client.run(command, records.size(), work.resolve("kcat.log"));
    }

    /**
     * kcat's settings matching nitelog's producer (ProducerSettings.DEFAULTS and the Java client's
     * defaults for what nitelog leaves alone), and the Java client's partitioner for keyed records.
     */
    private static List<String> kcatSettings() {
        List<String> x = new ArrayList<>();
        for (String setting : List.of("acks=all", "enable.idempotence=true", "max.in.flight.requests.per.connection=5",
                "compression.codec=zstd", "linger.ms=20", "batch.size=16384", "topic.partitioner=murmur2_random")) {
            x.add("-X");
            x.add(setting);
        }
        return x;
    }

    /** key TAB value per line: exactly the key and value bytes KafkaSink sends (key=job, canonical JSON). */
    private void writeKcatInput(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Utf8Buffer buffer = new Utf8Buffer(64 * 1024);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (LogRecord r : records) {
                buffer.reset();
                buffer.appendUtf8(r.jobId()).appendByte('\t');
                RecordJson.append(r, buffer);
                buffer.appendByte('\n');
                buffer.writeTo(out);
            }
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private String createTopic(String side) throws Exception {
        String topic = "bench-" + side + "-" + (++topicSeq);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            // the topic exists once every partition has a leader; neither side should pay for that wait
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!hasLeaders(admin, topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " got no leaders in 60 s");
                }
                Thread.sleep(50);
            }
        }
        return topic;
    }

    private static boolean hasLeaders(Admin admin, String topic) throws InterruptedException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .allMatch(info -> info.leader() != null);
        } catch (ExecutionException e) { // not known to the broker's metadata yet
            return false;
        }
    }

    private void verifyCount(String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long total = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
            if (total != records.size()) {
                throw new IllegalStateException("invalid run: topic " + topic + " holds " + total
                        + " records, expected " + records.size());
            }
        }
    }

    private void deleteTopics(List<String> topics) throws Exception {
        try (Admin admin = admin()) {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Checks, once, that both sides produced the same messages: the first messages of every
     * partition have the same key and value bytes in both topics (same partitioner, same order),
     * and nitelog's carry the four headers kcat imitates.
     */
    private void compareMessages(String nitelogTopic, String kcatTopic) {
        int checked = 0;
        for (int p = 0; p < partitions; p++) {
            List<ConsumerRecord<byte[], byte[]>> a = head(nitelogTopic, p, 200);
            List<ConsumerRecord<byte[], byte[]>> b = head(kcatTopic, p, 200);
            if (a.size() != b.size()) {
                throw new IllegalStateException("partition " + p + ": " + a.size() + " vs " + b.size() + " messages");
            }
            for (int i = 0; i < a.size(); i++) {
                if (!Arrays.equals(a.get(i).key(), b.get(i).key()) || !Arrays.equals(a.get(i).value(), b.get(i).value())) {
                    throw new IllegalStateException("partition " + p + " offset " + i + ": nitelog and kcat messages differ:\n"
                            + new String(a.get(i).value(), StandardCharsets.UTF_8) + "\n"
                            + new String(b.get(i).value(), StandardCharsets.UTF_8));
                }
                List<String> names = new ArrayList<>();
                for (Header h : a.get(i).headers()) {
                    names.add(h.key());
                }
                if (names.size() != 4) {
                    throw new IllegalStateException("nitelog message with headers " + names);
                }
                checked++;
            }
        }
        System.out.printf("checked: the first %d messages are byte-identical in both topics, partition by partition%n", checked);
    }

    private List<ConsumerRecord<byte[], byte[]>> head(String topic, int partition, int max) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = Math.min(max, consumer.endOffsets(List.of(tp)).get(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (out.size() < end) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private void notes(BenchResult result) {
        if (!invalid.isEmpty()) {
            result.note(invalid.size() + " invalid run(s) were repeated (a side failed or a topic missed records): "
                    + String.join("; ", invalid));
        }
        result.note("Same records both sides: " + records.size() + " generated LogRecords over " + 40
                + " jobs; kcat reads a file holding exactly KafkaSink's key (job id) and value (canonical JSON via"
                + " RecordJson) bytes; the first messages of each partition are checked byte-identical once.");
        result.note("Same producer settings: acks=all, idempotence, max.in.flight=5, zstd, linger.ms=20,"
                + " batch.size=16384, Java's murmur2 partitioner (kcat -X topic.partitioner=murmur2_random), "
                + partitions + " partitions, a fresh topic per side and run; a run counts only if end offsets add"
                + " up to the record count.");
        result.note("Headers: KafkaSink sends 4 per-record headers (record id, job id, service, level); kcat can only"
                + " send constant headers, so the baseline sends 4 headers of the same names and lengths with"
                + " constant values (they compress better than nitelog's per-record ids). 'kcat without headers' is"
                + " the stricter baseline, reported without target.");
        result.note("nitelog is timed from the first write to the last acknowledgement (write batches of "
                + config.batchSize() + " as SinkWorker does, flush every " + flushInterval + " and at the end); the"
                + " producer is created before the clock starts. kcat is timed from process start to exit, which"
                + " includes its start-up and metadata fetch and its wait for every delivery report.");
        result.note("CPU figures (not targets): nitelog's is the bench JVM's process CPU time during the run (sink,"
                + " Kafka I/O thread, GC, JIT); kcat's its process CPU time (bash 'times'). They show client"
                + " efficiency independent of how busy the machine is.");
    }
}
