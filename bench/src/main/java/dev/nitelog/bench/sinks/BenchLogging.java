package dev.nitelog.bench.sinks;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's log levels (src/main/resources/application.properties) for the bench JVM,
 * which does not boot Quarkus. Without them the log manager leaves TRACE enabled, and the Kafka
 * producer then formats every record it sends into a string: a cost production never pays.
 */
final class BenchLogging {
    /** Held so the levels stick (loggers are weakly referenced). */
    private static List<Logger> levels;

    private BenchLogging() {
    }

    static void likeProduction() {
        levels = List.of(
                level("", Level.INFO),
                level("org.apache.kafka", Level.WARNING),
                level("org.apache.kafka.clients.NetworkClient", Level.SEVERE));
        if (org.slf4j.LoggerFactory.getLogger("org.apache.kafka.clients.producer.KafkaProducer").isTraceEnabled()) {
            throw new IllegalStateException("TRACE is still enabled for the Kafka client: the bench would measure logging");
        }
    }

    private static Logger level(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        return logger;
    }
}
