package dev.nitelog.config;

import dev.nitelog.record.Level;
import dev.nitelog.record.Service;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One named sink, {@code nitelog.sinks.<name>}: what every sink has (its type, the records it
 * takes, how it is queued, batched and retried). The keys of its type (a file sink's path, a Kafka
 * sink's topic) belong to the adapter, which reads them into its own options type; a key of
 * another type is an error at startup.
 */
public interface SinkConfig {

    /** The adapter: stdout, file, kafka, elasticsearch or http. */
    String type();

    /** Only records of these levels reach this sink; empty means all. */
    Optional<List<Level>> levels();

    /** Only records of these services reach this sink; empty means all. */
    Optional<List<Service>> services();

    /** Only records of these job ids reach this sink; empty means all. */
    Optional<List<String>> jobs();

    /** Most records waiting for this sink; beyond it the sink lags and catches up on later polls. */
    @WithDefault("20000")
    int queueRecords();

    /** Most bytes (approximate heap size of queued records) waiting for this sink. */
    @WithDefault("64M")
    MemorySize queueBytes();

    /** Most records in one write to the sink. */
    @WithDefault("1000")
    int batchSize();

    /** How long a batch may wait to fill before it is written anyway. */
    @WithDefault("100ms")
    Duration linger();

    /** First delay before a failed batch is retried; doubles up to {@link #retryMaxBackoff()}. */
    @WithDefault("1s")
    Duration retryBackoff();

    /** Longest delay between two retries of a failing sink. */
    @WithDefault("60s")
    Duration retryMaxBackoff();
}
