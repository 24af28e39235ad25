package dev.nitelog.bytenite;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one gate every request to ByteNite passes, whichever job or endpoint it serves: a token
 * bucket of {@code ratePerSecond} with a burst of one second's worth, and a client-wide pause a
 * 429 (or a 503 with {@code Retry-After}) sets. The bucket is kept as a GCRA "theoretical arrival
 * time": each permit is scheduled one interval after the previous one, and up to a burst of them
 * may be taken early when the client was idle.
 *
 * <p>After a pause the client resumes at the steady rate, not with a burst: a server that just
 * said "too many" should not get a salvo the instant it allows requests again. A caller that
 * reserved a slot before a pause began waits for the pause too. Waiting is interruptible, and
 * {@link #close()} releases every waiter with an exception.
 */
final class RequestThrottle {

    /** Where time comes from and how a waiter waits; tests substitute a clock they move. */
    interface Ticker {
        /** The real one: {@link System#nanoTime()} and a timed wait on the condition. */
        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void await(Condition condition, long nanos) throws InterruptedException {
                condition.awaitNanos(nanos);
            }
        };

        long nanoTime();

        /** Waits up to {@code nanos} (the lock is held), or less when signalled. */
        void await(Condition condition, long nanos) throws InterruptedException;
    }

    /** Why a request waited, for the throttled-time metric. */
    enum Reason {
        /** The rate limit. */
        RATE_LIMIT("rate_limit"),
        /** A server's 429 / Retry-After paused the whole client. */
        RETRY_AFTER("retry_after");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }
    }

    /** Told how long each request waited (only when it did). */
    @FunctionalInterface
    interface WaitListener {
        WaitListener NONE = (endpoint, waited, reason) -> { };

        void waited(ApiEndpoint endpoint, Duration waited, Reason reason);
    }

    private final long intervalNanos;
    private final long burstNanos; // how far ahead of "now" permits may be handed out at once
    private final Ticker ticker;
    private final WaitListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long theoreticalArrival; // GCRA: when the bucket is empty again at the steady rate
    private long pausedUntil;
    private boolean paused;
    private boolean closed;

    RequestThrottle(int ratePerSecond, Ticker ticker, WaitListener listener) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("nitelog.bytenite.max-requests-per-second=" + ratePerSecond
                    + " is out of range: use at least 1");
        }
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        this.burstNanos = intervalNanos * (ratePerSecond - 1L); // a burst of ratePerSecond permits
        this.ticker = ticker;
        this.listener = listener;
        this.theoreticalArrival = ticker.nanoTime();
    }

    /**
     * Blocks until this caller may send one request.
     *
     * @throws ByteNiteException the thread was interrupted or the client closed: the request is not sent
     */
    void acquire(ApiEndpoint endpoint, String what) throws ByteNiteException {
        long start = ticker.nanoTime();
        boolean pausedWait = false;
        boolean waits = false;
        lock.lock();
        try {
            while (true) {
                ensureOpen(what);
                long now = ticker.nanoTime();
                pausedWait |= paused && pausedUntil - now > 0;
                long slot = reserve(now);
                waits |= slot - now > 0;
                if (waitUntil(slot, what)) {
                    break; // no pause began meanwhile
                }
            }
        } finally {
            lock.unlock();
        }
        long waited = ticker.nanoTime() - start;
        if (waits) {
            listener.waited(endpoint, Duration.ofNanos(waited), pausedWait ? Reason.RETRY_AFTER : Reason.RATE_LIMIT);
        }
    }

    /**
     * Every request from now on waits {@code length} (no request is sent before then). A shorter
     * pause than one already set changes nothing.
     */
    void pause(Duration length) {
        lock.lock();
        try {
            long until = ticker.nanoTime() + Math.max(0, length.toNanos());
            if (!paused || until - pausedUntil > 0) {
                pausedUntil = until;
                paused = true;
            }
            // resume at the steady rate: the bucket is empty at the end of the pause
            long resume = pausedUntil + burstNanos;
            if (resume - theoreticalArrival > 0) {
                theoreticalArrival = resume;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Releases every waiter, and fails every later {@link #acquire}. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Callers waiting for their slot right now, for tests. */
    int waiting() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(changed);
        } finally {
            lock.unlock();
        }
    }

    /** The slot this caller may send at, now taken (lock held). */
    private long reserve(long now) {
        long tat = theoreticalArrival - now > 0 ? theoreticalArrival : now;
        long slot = Math.max(now, tat - burstNanos);
        if (paused && pausedUntil - slot > 0) {
            slot = pausedUntil;
            tat = Math.max(tat, pausedUntil + burstNanos);
        }
        theoreticalArrival = tat + intervalNanos;
        return slot;
    }

    /** Waits for the slot (lock held); false when a pause that the slot falls in began meanwhile. */
    private boolean waitUntil(long slot, String what) throws ByteNiteException {
        long pauseSeen = pausedUntil;
        while (true) {
            ensureOpen(what);
            long left = slot - ticker.nanoTime();
            if (pausedUntil != pauseSeen && pausedUntil - slot > 0) {
                return false;
            }
            if (left <= 0) {
                return true;
            }
            try {
                ticker.await(changed, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ByteNiteException("ByteNite " + what + " not sent: interrupted while waiting for the"
                        + " request rate limit", 0, -1, e);
            }
        }
    }

    private void ensureOpen(String what) throws ByteNiteException {
        if (closed) {
            throw new ByteNiteException("ByteNite " + what + " not sent: the client is closed", 0, -1);
        }
    }
}
