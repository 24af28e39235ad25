package dev.nitelog.sink;

import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.LogRecord;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Feeds one sink from a bounded queue on its own thread, so a slow or broken sink only ever holds
 * up itself. The queue holds no more than {@code queue-records} records and {@code queue-bytes}
 * bytes; what does not fit stays unsent and is offered again by a later poll (the source is
 * replayable, so lagging loses nothing).
 *
 * <p>A failed batch drops everything queued, tells the listener (which rolls the sink's cursor
 * back to what was confirmed) and backs off exponentially; while backing off the worker takes
 * nothing, and the first batch after it is the retry.
 */
public final class SinkWorker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SinkWorker.class);

    private final Sink sink;
    private final SinkConfig config;
    private final DeadLetters deadLetters;
    private final DeliveryListener listener;
    private final SinkFilter filter;
    private final Clock clock;
    private final Duration flushInterval;
    private final List<LogRecord> unflushed = new ArrayList<>();
    private long unflushedBytes;
    private long lastFlushNanos = System.nanoTime();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
    private final Thread thread;
    private long queuedBytes;
    private boolean busy;
    private boolean closing;
    private volatile int consecutiveFailures;
    private Instant backoffUntil = Instant.MIN;
    private volatile String lastError;

    /**
     * @param flushInterval how often the sink is flushed; written records are reported delivered
     *                      only after the flush that follows them, so a committed cursor never
     *                      runs ahead of what is durable in the sink
     */
    public SinkWorker(Sink sink, SinkConfig config, DeadLetters deadLetters, DeliveryListener listener,
                      Clock clock, Duration flushInterval) {
        this.sink = sink;
        this.flushInterval = flushInterval;
        this.config = config;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.filter = SinkFilter.of(config);
        this.clock = clock;
        this.thread = new Thread(this::run, "nitelog-sink-" + sink.name());
        thread.setDaemon(true);
    }

    public SinkWorker start() {
        thread.start();
        return this;
    }

    public String name() {
        return sink.name();
    }

    public Sink sink() {
        return sink;
    }

    /**
     * Under the worker's lock, asks {@code take} for at most the records that fit and queues them.
     * {@code take} receives the free room in records and marks what it returns as sent; it is not
     * called while the sink backs off or the queue is full, so nothing is marked sent that is not
     * queued.
     *
     * @return how many records were queued
     */
    public int offer(Function<Integer, List<LogRecord>> take) {
        lock.lock();
        try {
            int room = roomLeft();
            if (closing || room <= 0 || clock.instant().isBefore(backoffUntil)) {
                return 0;
            }
            return enqueue(take.apply(room));
        } finally {
            lock.unlock();
        }
    }

    /** {@link #offerOrSpill}'s answer when the sink takes nothing now (closing, or backing off after a failure). */
    public static final int NOT_TAKING = -1;

    /**
     * Under the worker's lock, hands {@code take} the free room in records, possibly 0, and queues
     * what it returns. Unlike {@link #offer(Function)}, {@code take} is called even when the queue
     * is full, so it can set aside what does not fit (the spool) under the same lock that a
     * failed batch's roll-back takes: nothing is marked sent in between.
     *
     * @return how many records were queued, or {@link #NOT_TAKING} when {@code take} was not
     *         called (closing, or backing off: leave the records unsent)
     */
    public int offerOrSpill(Function<Integer, List<LogRecord>> take) {
        lock.lock();
        try {
            if (closing || clock.instant().isBefore(backoffUntil)) {
                return NOT_TAKING;
            }
            return enqueue(take.apply(Math.max(0, roomLeft())));
        } finally {
            lock.unlock();
        }
    }

    /** Queues records under the lock held by the caller; returns how many. */
    private int enqueue(List<LogRecord> records) {
        for (LogRecord record : records) {
            queue.addLast(record);
            queuedBytes += record.approximateBytes();
        }
        if (!records.isEmpty()) {
            changed.signalAll();
        }
        return records.size();
    }

    /** Records the queue can take now (0 when full by records or by bytes). */
    public int room() {
        lock.lock();
        try {
            return Math.max(0, roomLeft());
        } finally {
            lock.unlock();
        }
    }

    private int roomLeft() {
        if (queuedBytes >= config.queueBytes().asLongValue()) {
            return 0;
        }
        return config.queueRecords() - queue.size();
    }

    /** The queue's capacity in records, for the queue-capacity metric. */
    public int capacity() {
        return config.queueRecords();
    }

    /**
     * The sink's {@code levels} and {@code services} filters: a record it does not want is never
     * queued (the cursor counts it as confirmed when offered).
     */
    public Predicate<LogRecord> wants() {
        return filter;
    }

    /** Whether this sink wants records of the job at all (its {@code jobs} filter). */
    public boolean acceptsJob(String jobId) {
        return filter.acceptsJob(jobId);
    }

    /** Records waiting, for the queue-depth metric. */
    public int queuedRecords() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** True while the last batch failed and the worker waits to retry. */
    public boolean failing() {
        return consecutiveFailures > 0;
    }

    /** Failed attempts in a row (0 while healthy), for readiness: a count, never the sink's own words. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The last failure's message while failing, else null. */
    public String lastError() {
        return failing() ? lastError : null;
    }

    private void run() {
        List<LogRecord> batch = new ArrayList<>();
        while (takeBatch(batch)) {
            if (queuedRecords() <= config.queueRecords() / 2) {
                roomAvailable();
            }
            boolean flushDue = batch.isEmpty(); // takeBatch hands out an empty batch when a flush is due
            if (!flushDue) {
                write(batch);
                batch.clear();
            }
            if (!unflushed.isEmpty() && (flushDue || System.nanoTime() - lastFlushNanos >= flushInterval.toNanos()
                    || closing || unflushedFull())) {
                flushAndReport();
            }
        }
        if (!unflushed.isEmpty()) {
            flushAndReport();
        }
    }

    /**
     * Written records wait for the flush in the heap too: a sink that writes faster than a queue's
     * worth per flush interval (a backlog) is flushed early, so they never hold more than the queue.
     */
    private boolean unflushedFull() {
        return unflushed.size() >= config.queueRecords() || unflushedBytes >= config.queueBytes().asLongValue();
    }

    /** Waits for records, lingers for a fuller batch, moves them into {@code batch}; false once closed and drained. */
    private boolean takeBatch(List<LogRecord> batch) {
        lock.lock();
        try {
            busy = false;
            changed.signalAll();
            while (queue.isEmpty()) {
                if (closing) {
                    return false;
                }
                if (!unflushed.isEmpty()) {
                    long untilFlush = flushInterval.toNanos() - (System.nanoTime() - lastFlushNanos);
                    // an empty batch: time to flush what was written, or a burst's tail of a batch or
                    // more, confirmed now rather than re-read by the next poll as unconfirmed
                    if (untilFlush <= 0 || unflushed.size() >= config.batchSize()) {
                        busy = true;
                        return true;
                    }
                    changed.awaitNanos(untilFlush);
                } else {
                    changed.await();
                }
            }
            long lingerEnd = System.nanoTime() + config.linger().toNanos();
            while (queue.size() < config.batchSize() && !closing) {
                long left = lingerEnd - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            while (batch.size() < config.batchSize() && !queue.isEmpty()) {
                LogRecord record = queue.pollFirst();
                queuedBytes -= record.approximateBytes();
                batch.add(record);
            }
            busy = true;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Lets the listener refill the queue (from the spool) while this batch is written; never ends the worker. */
    private void roomAvailable() {
        try {
            listener.roomAvailable(sink.name());
        } catch (RuntimeException e) {
            LOG.warnf("Refilling sink %s's queue failed, the next poll retries: %s", sink.name(), e.toString());
        }
    }

    private void write(List<LogRecord> batch) {
        try {
            long started = System.nanoTime();
            sink.write(new SinkBatch(batch, deadLetters));
            listener.written(sink.name(), batch.size(), System.nanoTime() - started);
            unflushed.addAll(batch);
            for (int i = 0; i < batch.size(); i++) {
                unflushedBytes += batch.get(i).approximateBytes();
            }
            listener.handedOff(sink.name(), batch);
        } catch (SinkException | RuntimeException e) {
            fail(e instanceof SinkException se ? se : new SinkException(e.toString(), e), batch.size());
        }
    }

    private void flushAndReport() {
        try {
            sink.flush();
            lastFlushNanos = System.nanoTime();
            listener.delivered(sink.name(), List.copyOf(unflushed));
            unflushed.clear();
            unflushedBytes = 0;
            if (consecutiveFailures > 0) {
                LOG.infof("Sink %s recovered after %d failed attempts", sink.name(), consecutiveFailures);
                consecutiveFailures = 0;
            }
        } catch (SinkException | RuntimeException e) {
            fail(e instanceof SinkException se ? se : new SinkException(e.toString(), e), 0);
        }
    }

    private void fail(SinkException error, int inFlight) {
        lock.lock();
        try {
            listener.retrying(sink.name(), inFlight + unflushed.size() + queue.size());
            unflushed.clear();
            unflushedBytes = 0;
            queue.clear();
            queuedBytes = 0;
            consecutiveFailures++;
            Duration delay = backoff(consecutiveFailures);
            backoffUntil = clock.instant().plus(delay);
            if (consecutiveFailures == 1) {
                LOG.warnf("Sink %s is failing, retrying with backoff: %s", sink.name(), error.getMessage());
            }
            lastError = error.getMessage();
            listener.failed(sink.name(), error);
        } finally {
            lock.unlock();
        }
    }

    private Duration backoff(int failures) {
        long base = config.retryBackoff().toMillis();
        long max = config.retryMaxBackoff().toMillis();
        long exp = base << Math.min(20, failures - 1);
        long capped = Math.min(max, exp <= 0 ? max : exp);
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /**
     * Stops taking records, lets queued and in-flight ones be written within {@code timeout},
     * flushes and closes the sink.
     *
     * @return true if everything queued was written in time
     */
    public boolean close(Duration timeout) {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean drained = join(timeout);
        sink.close();
        return drained;
    }

    private boolean join(Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** For tests: waits until the queue is drained and no batch is in flight. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!(queue.isEmpty() && !busy && unflushed.isEmpty())) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
