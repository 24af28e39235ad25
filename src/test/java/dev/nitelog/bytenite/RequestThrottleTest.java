package dev.nitelog.bytenite;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestThrottleTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> waits = new CopyOnWriteArrayList<>();

    /** Time from the mutable clock; waiting moves the clock instead of the thread. */
    private final RequestThrottle.Ticker movedByHand = new RequestThrottle.Ticker() {
        @Override
        public long nanoTime() {
            Instant now = clock.instant();
            return now.getEpochSecond() * SECOND + now.getNano();
        }

        @Override
        public void await(Condition condition, long nanos) {
            clock.advance(Duration.ofNanos(nanos));
        }
    };

    private RequestThrottle throttle(int perSecond, RequestThrottle.Ticker ticker) {
        return new RequestThrottle(perSecond, ticker, (endpoint, waited, reason) -> waits.add(reason.tag()));
    }

    /** When each of {@code n} acquisitions was granted, in nanoseconds since the first. */
    private long[] acquire(RequestThrottle throttle, int n) throws ByteNiteException {
        long[] at = new long[n];
        long start = movedByHand.nanoTime();
        for (int i = 0; i < n; i++) {
            throttle.acquire(ApiEndpoint.LOGS, "POST /logs");
            at[i] = movedByHand.nanoTime() - start;
        }
        return at;
    }

    /** Most grants within any window [t, t + window) that starts at a grant. */
    static int busiest(long[] at, long window) {
        int most = 0;
        for (int i = 0, j = 0; i < at.length; i++) {
            while (j < at.length && at[j] - at[i] < window) {
                j++;
            }
            most = Math.max(most, j - i);
        }
        return most;
    }

    @Test
    void neverExceedsTheRateOverManyAcquisitionsAfterABurstOfOneSecond() throws Exception {
        int rate = 20;
        long[] at = acquire(throttle(rate, movedByHand), 10_000);
        // a bucket of one second's worth: the first 20 go at once, then one every 50 ms
        assertEquals(0, at[rate - 1]);
        assertEquals(SECOND / rate, at[rate] - at[rate - 1]);
        assertEquals((10_000 - rate) * (SECOND / rate), at[at.length - 1]);
        for (long window : new long[]{SECOND / 2, SECOND, 10 * SECOND, 100 * SECOND}) {
            long allowed = rate + rate * window / SECOND; // burst + the rate over the window
            assertTrue(busiest(at, window) <= allowed, "window " + window + "ns: " + busiest(at, window));
        }
    }

    @Test
    void anIdleClientSavesUpNoMoreThanOneSecondOfRequests() throws Exception {
        RequestThrottle throttle = throttle(10, movedByHand);
        acquire(throttle, 50);
        clock.advance(Duration.ofHours(1));
        long[] at = acquire(throttle, 30);
        assertEquals(0, at[9], "the burst");
        assertEquals(SECOND / 10, at[10]);
        assertEquals(2 * SECOND, at[29]);
    }

    @Test
    void aPauseHoldsEveryRequestUntilItEndsThenResumesAtTheSteadyRate() throws Exception {
        RequestThrottle throttle = throttle(10, movedByHand);
        throttle.pause(Duration.ofSeconds(2));
        long[] at = acquire(throttle, 5);
        assertEquals(2 * SECOND, at[0]);
        assertEquals(2 * SECOND + 4 * (SECOND / 10), at[4], "no burst right after a pause");
        assertEquals(List.of("retry_after", "rate_limit", "rate_limit", "rate_limit", "rate_limit"), waits);
    }

    @Test
    void aShorterPauseDoesNotShortenALongerOne() throws Exception {
        RequestThrottle throttle = throttle(10, movedByHand);
        throttle.pause(Duration.ofSeconds(5));
        throttle.pause(Duration.ofSeconds(1));
        assertEquals(5 * SECOND, acquire(throttle, 1)[0]);
    }

    @Test
    void aRequestThatReservedItsSlotBeforeAPauseBeganWaitsForThePause() throws Exception {
        RequestThrottle throttle = throttle(1, RequestThrottle.Ticker.SYSTEM);
        throttle.acquire(ApiEndpoint.LOGS, "first"); // the next slot is a second away
        long start = System.nanoTime();
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            try {
                throttle.acquire(ApiEndpoint.LOGS, "second");
                return System.nanoTime() - start;
            } catch (ByteNiteException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> throttle.waiting() == 1);
        throttle.pause(Duration.ofMillis(1500));
        long waited = second.get(10, TimeUnit.SECONDS);
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(1500), "waited only " + waited / 1_000_000 + " ms");
        assertEquals(List.of("retry_after"), waits);
    }

    @Test
    void anInterruptedWaiterGivesUpAndKeepsItsInterruptFlag() throws Exception {
        RequestThrottle throttle = throttle(10, RequestThrottle.Ticker.SYSTEM);
        throttle.pause(Duration.ofMinutes(10));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        List<Boolean> flag = new ArrayList<>();
        Thread waiter = new Thread(() -> {
            try {
                throttle.acquire(ApiEndpoint.JOBS, "GET /jobs");
                outcome.complete(null);
            } catch (ByteNiteException e) {
                flag.add(Thread.currentThread().isInterrupted());
                outcome.complete(e);
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> throttle.waiting() == 1);
        waiter.interrupt();
        Throwable failure = outcome.get(5, TimeUnit.SECONDS);
        assertTrue(failure instanceof ByteNiteException && failure.getMessage().contains("interrupted"), String.valueOf(failure));
        waiter.join(5000);
        assertEquals(List.of(true), flag);
    }

    @Test
    void closingReleasesWaitersAndRefusesLaterRequests() throws Exception {
        RequestThrottle throttle = throttle(10, RequestThrottle.Ticker.SYSTEM);
        throttle.pause(Duration.ofMinutes(10));
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                throttle.acquire(ApiEndpoint.LOGS, "POST /logs");
            } catch (ByteNiteException e) {
                throw new IllegalStateException(e.getMessage());
            }
        });
        throttle.close();
        Throwable failure = assertThrows(Exception.class, () -> waiting.get(5, TimeUnit.SECONDS));
        assertTrue(failure.getMessage().contains("the client is closed"), failure.getMessage());
        ByteNiteException later = assertThrows(ByteNiteException.class, () -> throttle.acquire(ApiEndpoint.LOGS, "x"));
        assertTrue(later.getMessage().contains("the client is closed"));
    }
}
