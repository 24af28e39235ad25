package dev.nitelog.sink.kafka;

import dev.nitelog.sink.SinkHealth;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The cheap part of {@link KafkaSink#check()}: is a broker reachable, and does the topic exist or
 * will the broker create it. One admin client, short timeouts, the answer cached for a few
 * seconds so that frequent health probes cost nothing.
 */
final class KafkaProbe implements AutoCloseable {
    private final Supplier<Admin> adminFactory;
    private final String bootstrap;
    private final Optional<String> topic;
    private final Duration timeout;
    private final Duration cacheFor;
    private Admin admin;
    private SinkHealth cached;
    private long cachedAtNanos;
    private boolean closed;

    /**
     * @param topic the fixed topic to look for; empty for a templated topic, where only the
     *              cluster is probed
     */
    KafkaProbe(Supplier<Admin> adminFactory, String bootstrap, Optional<String> topic, Duration timeout,
               Duration cacheFor) {
        this.adminFactory = adminFactory;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.timeout = timeout;
        this.cacheFor = cacheFor;
    }

    /** The broker's state, at most {@code cacheFor} old. Never throws. */
    synchronized SinkHealth check() {
        if (closed) {
            return SinkHealth.down("closed");
        }
        if (cached != null && System.nanoTime() - cachedAtNanos < cacheFor.toNanos()) {
            return cached;
        }
        cached = probe();
        cachedAtNanos = System.nanoTime();
        return cached;
    }

    private SinkHealth probe() {
        try {
            if (admin == null) {
                admin = adminFactory.get();
            }
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis()))
                    .nodes().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (topic.isEmpty()) {
                return SinkHealth.up(nodes.size() + " broker(s) reachable at " + bootstrap);
            }
            return topicHealth(topic.get(), nodes);
        } catch (ExecutionException e) {
            return SinkHealth.down("Kafka at " + bootstrap + " not usable: " + describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SinkHealth.down("health probe interrupted");
        } catch (Exception e) { // java.util.concurrent.TimeoutException, KafkaException from create
            return SinkHealth.down("Kafka at " + bootstrap + " not reachable: " + describe(e));
        }
    }

    private SinkHealth topicHealth(String name, Collection<Node> nodes) throws Exception {
        try {
            admin.describeTopics(List.of(name), new DescribeTopicsOptions().timeoutMs(millis()))
                    .allTopicNames().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return SinkHealth.up("topic " + name + " on " + bootstrap);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        Optional<Boolean> autoCreate = autoCreate(nodes);
        if (autoCreate.orElse(true)) {
            return SinkHealth.up("topic " + name + " does not exist yet; the broker "
                    + (autoCreate.isPresent() ? "creates it" : "may create it") + " on the first write");
        }
        return SinkHealth.down("topic " + name + " does not exist and " + bootstrap
                + " does not create topics automatically: create it");
    }

    /** The broker's {@code auto.create.topics.enable}, empty when it cannot be read (no permission). */
    private Optional<Boolean> autoCreate(Collection<Node> nodes) {
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(broker),
                    new DescribeConfigsOptions().timeoutMs(millis())).all()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            ConfigEntry entry = configs.get(broker).get("auto.create.topics.enable");
            return entry == null || entry.value() == null ? Optional.empty() : Optional.of(Boolean.parseBoolean(entry.value()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private int millis() {
        return (int) timeout.toMillis();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
