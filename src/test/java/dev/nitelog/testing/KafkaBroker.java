package dev.nitelog.testing;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;

import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka (combined KRaft broker and controller) in the test JVM, on 127.0.0.1.
 * The broker can be stopped and started again on the same port, so a client sees the outage and
 * the recovery of one address, as in production.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final int NODE = 0;
    /** Held so the levels stick: the broker logs a lot at INFO, clients warn on every reconnect. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            quiet("kafka", java.util.logging.Level.WARNING),
            quiet("state.change.logger", java.util.logging.Level.WARNING),
            quiet("org.apache.kafka", java.util.logging.Level.WARNING),
            quiet("org.apache.kafka.clients.NetworkClient", java.util.logging.Level.SEVERE),
            quiet("org.apache.kafka.clients.producer.internals.Sender", java.util.logging.Level.SEVERE));

    /** A SASL/PLAIN user of {@link #startSaslPlain}, from the test kit's JAAS section. */
    public static final String PLAIN_USER = "plain-user1";
    /** {@link #PLAIN_USER}'s password. */
    public static final String PLAIN_PASSWORD = "plain-user1-secret";

    private final KafkaClusterTestKit cluster;
    private final String bootstrap;
    /** Security settings the test's own clients (admin, consumer) need. */
    private final Map<String, Object> clientSecurity;
    private boolean running;
    private boolean started;

    private KafkaBroker(KafkaClusterTestKit cluster, String bootstrap, Map<String, Object> clientSecurity) {
        this.cluster = cluster;
        this.bootstrap = bootstrap;
        this.clientSecurity = clientSecurity;
    }

    /** Formats and starts a broker with the given broker settings; about 3 s. */
    public static KafkaBroker start(Map<String, Object> brokerProps) throws Exception {
        return start(brokerProps, SecurityProtocol.PLAINTEXT, Map.of());
    }

    /**
     * A broker whose client listener takes only SASL_PLAINTEXT with mechanism PLAIN: users
     * {@link #PLAIN_USER} and the test kit's admin. Every authenticated user may do everything
     * (no ACLs); a wrong password fails authentication. The test kit points the JVM's
     * {@code java.security.auth.login.config} at its JAAS file; clients that set
     * {@code sasl.jaas.config} are unaffected.
     */
    public static KafkaBroker startSaslPlain(Map<String, Object> brokerProps) throws Exception {
        Map<String, Object> props = new HashMap<>(brokerProps);
        props.put("allow.everyone.if.no.acl.found", "true"); // authentication is what the tests check
        return start(props, SecurityProtocol.SASL_PLAINTEXT, Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + PLAIN_USER + "\" password=\"" + PLAIN_PASSWORD + "\";"));
    }

    private static KafkaBroker start(Map<String, Object> brokerProps, SecurityProtocol protocol,
                                     Map<String, Object> clientSecurity) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBrokerSecurityProtocol(protocol).build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("num.partitions", 1)
                .setConfigProp("group.initial.rebalance.delay.ms", 0);
        brokerProps.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            int port = bindToLoopbackOnly(cluster, nodes);
            cluster.format();
            KafkaBroker broker = new KafkaBroker(cluster, "localhost:" + port, clientSecurity);
            broker.startBroker();
            return broker;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * The test kit pre-binds its listener ports on every interface; closing those sockets makes
     * each server bind its configured host ({@code localhost}) on the same port when it starts,
     * exactly as it does on a restart.
     *
     * @return the broker's port
     */
    private static int bindToLoopbackOnly(KafkaClusterTestKit cluster, TestKitNodes nodes) throws Exception {
        Field field = KafkaClusterTestKit.class.getDeclaredField("socketFactoryManager");
        field.setAccessible(true);
        PreboundSocketFactoryManager sockets = (PreboundSocketFactoryManager) field.get(cluster);
        int port = sockets.getOrCreatePortForListener(NODE, nodes.brokerListenerName().value());
        for (String listener : List.of(nodes.brokerListenerName().value(), nodes.controllerListenerName().value())) {
            ServerSocketChannel socket = sockets.getSocketForListenerAndMarkAsUsed(NODE, listener);
            socket.close();
        }
        return port;
    }

    private static java.util.logging.Logger quiet(String name, java.util.logging.Level level) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(level);
        return logger;
    }

    /** {@code localhost:<port>}, the same across stops and starts. */
    public String bootstrapServers() {
        return bootstrap;
    }

    /** Stops the broker (the controller keeps running); its port refuses connections. */
    public synchronized void stopBroker() {
        if (running) {
            broker().shutdown();
            broker().awaitShutdown();
            running = false;
        }
    }

    /** Starts the broker on its port and waits until it serves requests. */
    public synchronized void startBroker() throws Exception {
        if (!running) {
            if (started) {
                broker().startup(); // the controller kept running
            } else {
                cluster.startup();
                started = true;
            }
            cluster.waitForReadyBrokers();
            running = true;
        }
    }

    private BrokerServer broker() {
        return cluster.brokers().get(NODE);
    }

    /** A new admin client; close it. */
    public Admin admin() {
        Map<String, Object> props = new HashMap<>(clientSecurity);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(props);
    }

    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Every message in the topic now, partition by partition in offset order. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> props = new HashMap<>(clientSecurity);
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            out.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return out;
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
