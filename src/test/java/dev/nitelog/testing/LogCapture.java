package dev.nitelog.testing;

import org.jboss.logmanager.ExtLogRecord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one class logs at a level or above while open, each message formatted as its log line shows
 * it (the tests run under JBoss LogManager, as the daemon does). Close it to stop capturing.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level atLeast;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LogCapture(Class<?> source, Level atLeast) {
        this.logger = Logger.getLogger(source.getName());
        this.atLeast = atLeast;
        logger.addHandler(this);
    }

    /** Captures what {@code source} logs at {@code atLeast} or above. */
    public static LogCapture of(Class<?> source, Level atLeast) {
        return new LogCapture(source, atLeast);
    }

    /** The messages captured so far, oldest first. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= atLeast.intValue()) {
            messages.add(((ExtLogRecord) record).getFormattedMessage());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
