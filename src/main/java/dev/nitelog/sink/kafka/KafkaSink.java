package dev.nitelog.sink.kafka;

import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.Service;
import dev.nitelog.sink.RecordJson;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.Utf8Buffer;
import dev.nitelog.sink.WriteReach;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends each record as one Kafka message: the canonical JSON as value, the record id, job id,
 * service and level as headers ({@code nitelog-record-id}, ...), the key per the {@code key} option.
 *
 * <p>Delivery is at-least-once: {@link #write} returns only when the broker acknowledged every
 * record of the batch (with {@code acks=all} by default). When any send fails retriably the whole
 * batch is handed back and sent again later, so records acknowledged before the failure can appear
 * twice; consumers de-duplicate on the {@code nitelog-record-id} header. The idempotent producer
 * keeps its own internal retries free of duplicates and in order.
 *
 * <p>Creating the producer does not connect, so the sink starts while the brokers are away and
 * catches up when they appear.
 */
public final class KafkaSink implements Sink {
    private static final Logger LOG = Logger.getLogger(KafkaSink.class);
    static final String HEADER_RECORD_ID = "nitelog-record-id";
    static final String HEADER_JOB_ID = "nitelog-job-id";
    static final String HEADER_SERVICE = "nitelog-service";
    static final String HEADER_LEVEL = "nitelog-level";
    private static final Duration ACK_WAIT_MARGIN = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration PROBE_CACHE = Duration.ofSeconds(5);
    private static final byte[][] SERVICE_VALUES = values(Service.values(), Service::jsonName);
    private static final byte[][] LEVEL_VALUES = values(Level.values(), Level::name);

    private final String name;
    private final TopicTemplate topic;
    private final KafkaSinkOptions.Key key;
    private final ProducerSettings settings;
    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private final KafkaProbe probe;
    private final Utf8Buffer buffer = new Utf8Buffer(16 * 1024);
    private Producer<byte[], byte[]> producer;
    private volatile String downReason;

    /** The user's producer properties plus those the sink's sasl.* and tls.* keys stand for. */
    private static Map<String, String> withSecurity(String name, KafkaSinkOptions options) {
        Map<String, String> props = new HashMap<>(options.producer());
        props.putAll(KafkaSecurity.producerProps(name, options, options.producer()));
        return props;
    }

    /** @throws IllegalArgumentException naming the key of an invalid option */
    public KafkaSink(String name, KafkaSinkOptions options) {
        this(name, TopicTemplate.parse("nitelog.sinks." + name + ".topic", options.topic()), options.key(),
                ProducerSettings.of(name, withSecurity(name, options)));
    }

    private KafkaSink(String name, TopicTemplate topic, KafkaSinkOptions.Key key, ProducerSettings settings) {
        this(name, topic, key, settings, () -> new KafkaProducer<>(settings.producer()),
                new KafkaProbe(() -> Admin.create(settings.admin(name, PROBE_TIMEOUT)), settings.bootstrap(),
                        topic.fixed(), PROBE_TIMEOUT, PROBE_CACHE));
    }

    /** For tests: a given producer factory (e.g. a mock) and probe. */
    KafkaSink(String name, TopicTemplate topic, KafkaSinkOptions.Key key, ProducerSettings settings,
              Supplier<Producer<byte[], byte[]>> producerFactory, KafkaProbe probe) {
        this.name = name;
        this.topic = topic;
        this.key = key;
        this.settings = settings;
        this.producerFactory = producerFactory;
        this.probe = probe;
        try {
            producer = producerFactory.get();
        } catch (KafkaException e) { // e.g. a broker name that does not resolve yet: try again on write
            LOG.warnf("Kafka sink %s: cannot create the producer yet, will retry on the first write: %s",
                    name, ProducerSettings.withoutSecrets(e.getMessage(), stringValues()));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SinkHealth check() {
        String down = downReason;
        if (down != null) {
            return SinkHealth.down(down);
        }
        return probe.check();
    }

    /** A write returns once the broker acknowledged every record ({@code acks} as configured). */
    @Override
    public WriteReach writeReach() {
        return WriteReach.DESTINATION;
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        Producer<byte[], byte[]> p = producer();
        List<LogRecord> records = batch.records();
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        AtomicReference<Exception> batchFailure = new AtomicReference<>();
        try {
            for (LogRecord record : records) {
                // once one send failed for good the batch is retried whole: sending more would only
                // wait max.block.ms per record for a broker that is away, and add duplicates
                if (batchFailure.get() != null) {
                    break;
                }
                futures.add(p.send(message(record), (metadata, e) -> {
                    if (e != null && !(e instanceof RecordTooLargeException)) {
                        batchFailure.compareAndSet(null, e);
                    }
                }));
            }
            if (batchFailure.get() == null) {
                // this write waits for every acknowledgement anyway: send the last, partly filled
                // producer batches now instead of after linger.ms, which stalled every write by it
                p.flush();
            }
        } catch (KafkaException | IllegalStateException e) { // closed, fatal state or interrupted: not per record
            batchFailure.compareAndSet(null, e);
        } finally {
            buffer.trim(1024 * 1024);
        }
        List<Throwable> errors = awaitAcks(futures);
        settle(batch, errors, batchFailure.get());
    }

    /** Waits for every acknowledgement; element i is the failure of record i, or null. */
    private List<Throwable> awaitAcks(List<Future<RecordMetadata>> futures) throws SinkException {
        long deadline = System.nanoTime() + settings.deliveryWait().plus(ACK_WAIT_MARGIN).toNanos();
        List<Throwable> errors = new ArrayList<>(futures.size());
        for (Future<RecordMetadata> future : futures) {
            try {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                errors.add(null);
            } catch (ExecutionException e) {
                errors.add(e.getCause());
            } catch (TimeoutException e) {
                throw new RetriableSinkException("Kafka sink " + name + ": no acknowledgement within delivery.timeout.ms"
                        + " + 5s; the batch will be retried", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableSinkException("Kafka sink " + name + ": interrupted waiting for acknowledgements", e);
            }
        }
        return errors;
    }

    /** Throws the worst failure of the batch, or dead-letters the oversized records and confirms the rest. */
    private void settle(SinkBatch batch, List<Throwable> errors, Exception batchFailure) throws SinkException {
        KafkaFailure worst = batchFailure == null ? null : KafkaFailure.of(name, batchFailure);
        List<Integer> tooLarge = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++) {
            Throwable error = errors.get(i);
            if (error instanceof RecordTooLargeException) {
                tooLarge.add(i);
            } else if (error != null) {
                KafkaFailure failure = KafkaFailure.of(name, error);
                if (worst == null || failure.severity() > worst.severity()) {
                    worst = failure;
                }
            }
        }
        if (worst == null && errors.size() < batch.records().size()) {
            worst = KafkaFailure.retriable("Kafka sink " + name + ": not every record was sent");
        }
        if (worst != null) {
            fail(worst);
        }
        // only now: a batch that is retried would dead-letter the same record twice
        for (int i : tooLarge) {
            batch.deadLetters().reject(batch.records().get(i), "Kafka rejected the record as too large: "
                    + errors.get(i).getMessage() + " (raise producer.max.request.size and the topic's"
                    + " max.message.bytes to accept it)");
        }
        if (downReason != null) {
            LOG.infof("Kafka sink %s: writes succeed again", name);
            downReason = null;
        }
    }

    private void fail(KafkaFailure failure) throws SinkException {
        if (failure.downReason().isPresent()) {
            downReason = failure.downReason().get();
        }
        if (failure.renewProducer()) {
            LOG.warnf("Kafka sink %s: replacing the producer after %s", name, failure.error().getMessage());
            closeProducer(Duration.ZERO);
        }
        throw failure.error();
    }

    private Producer<byte[], byte[]> producer() throws SinkException {
        if (producer == null) {
            try {
                producer = producerFactory.get();
            } catch (KafkaException e) {
                throw new RetriableSinkException("Kafka sink " + name + ": cannot create the producer: "
                        + ProducerSettings.withoutSecrets(e.getMessage(), stringValues()), e);
            }
        }
        return producer;
    }

    private ProducerRecord<byte[], byte[]> message(LogRecord record) {
        buffer.reset();
        RecordJson.append(record, buffer);
        byte[] id = record.id().hex().getBytes(StandardCharsets.US_ASCII);
        byte[] jobId = record.jobId().getBytes(StandardCharsets.UTF_8);
        // header values are only read once sent, so the job id's bytes serve as key too and the
        // service and level values are shared by every record
        List<Header> headers = List.of(
                new RecordHeader(HEADER_RECORD_ID, id),
                new RecordHeader(HEADER_JOB_ID, jobId),
                new RecordHeader(HEADER_SERVICE, SERVICE_VALUES[record.service().ordinal()]),
                new RecordHeader(HEADER_LEVEL, LEVEL_VALUES[record.level().ordinal()]));
        return new ProducerRecord<>(topic.resolve(record), null, null, key(record, id, jobId), buffer.toByteArray(), headers);
    }

    private byte[] key(LogRecord record, byte[] id, byte[] jobId) {
        return switch (key) {
            case JOB -> jobId;
            case TASK -> record.taskId() == null ? jobId : record.taskId().getBytes(StandardCharsets.UTF_8);
            case RECORD -> id;
            case NONE -> null;
        };
    }

    /** Each constant's header value, indexed by ordinal. */
    private static <E extends Enum<E>> byte[][] values(E[] constants, Function<E, String> name) {
        byte[][] values = new byte[constants.length][];
        for (E constant : constants) {
            values[constant.ordinal()] = name.apply(constant).getBytes(StandardCharsets.UTF_8);
        }
        return values;
    }

    @Override
    public void flush() throws SinkException {
        if (producer == null) {
            return;
        }
        try {
            producer.flush(); // write already waited for every acknowledgement: this returns at once
        } catch (InterruptException e) {
            throw new RetriableSinkException("Kafka sink " + name + ": interrupted while flushing", e);
        }
    }

    @Override
    public void close() {
        closeProducer(Duration.ofSeconds(5));
        probe.close();
    }

    private void closeProducer(Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException e) {
                LOG.debugf("Kafka sink %s: closing the producer failed: %s", name, e);
            }
            producer = null;
        }
    }

    private Map<String, String> stringValues() {
        Map<String, String> values = new HashMap<>();
        settings.producer().forEach((k, v) -> values.put(k, String.valueOf(v)));
        return values;
    }

    @Override
    public String toString() {
        return "KafkaSink[" + name + " -> " + topic + " at " + settings.bootstrap() + "]";
    }
}
