package dev.nitelog.sink;

import java.time.Instant;

/**
 * A destination for log records: the SPI every adapter implements.
 *
 * <p>One worker thread per sink calls {@link #write}, {@link #flush} and {@link #close}, never
 * concurrently; {@link #check} may be called from any thread at any time. A sink never knows
 * another sink, the ByteNite client or the cursors: it writes what it is handed and says whether
 * that is durable.
 */
public interface Sink extends AutoCloseable {

    /** The configured instance name ({@code nitelog.sinks.<name>}). */
    String name();

    /** A cheap probe of the destination (reachable, writable). Never throws. */
    SinkHealth check();

    /**
     * Writes a batch. Once this returns, the records are as far as {@link #writeReach()} says;
     * every record is durable in the destination once this call and the next {@link #flush()} have
     * returned (a sink that syncs on every write makes flush a no-op), or was handed to
     * {@link SinkBatch#deadLetters()} because retrying cannot fix it. Records count as delivered,
     * and cursors advance, only after that flush (or, after a crash, as the reach allows). The
     * records are in timestamp order per job.
     *
     * @throws RetriableSinkException the batch (or part of it) is not durable, and retrying the
     *                                whole batch later may succeed; it will be re-sent as a whole
     * @throws SinkException          the sink cannot work (bad credentials, misconfiguration);
     *                                it is marked down and retried with backoff
     */
    void write(SinkBatch batch) throws SinkException;

    /**
     * Makes everything written so far durable (fsync, producer flush). Called at most every
     * {@code nitelog.state.flush-interval}, and at shutdown.
     *
     * @throws SinkException as {@link #write}: the unflushed batches are then sent again
     */
    default void flush() throws SinkException {
    }

    /**
     * How far a returned {@link #write} got before the next {@link #flush()}; nitelog journals every
     * written batch, and after a crash counts it delivered only as far as this allows. The default,
     * {@link WriteReach#PROCESS}, never over-promises.
     */
    default WriteReach writeReach() {
        return WriteReach.PROCESS;
    }

    /**
     * For a sink whose writes reach the {@link WriteReach#HOST}: makes durable what an earlier nitelog
     * process on this machine wrote since {@code since} and could not flush (it was killed), so the
     * restart may count those records delivered instead of writing them again. Called once at start,
     * before the first write.
     *
     * @return true when done; false (the default) when this sink cannot, and the records are sent again
     * @throws SinkException as false, naming what failed
     */
    default boolean syncEarlierWrites(Instant since) throws SinkException {
        return false;
    }

    /** Releases resources; called once, after the last write. Never throws. */
    @Override
    void close();
}
