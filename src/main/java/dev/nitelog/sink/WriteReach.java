package dev.nitelog.sink;

/**
 * How far a batch has got once {@link Sink#write} returned, before {@link Sink#flush()}. A restart
 * after a crash counts written batches as delivered only as far as their reach allows.
 */
public enum WriteReach {
    /** Possibly still in this process's memory: only a flush makes the records count. */
    PROCESS,
    /**
     * Out of the process, on this machine (the OS page cache): survives a kill of nitelog, not a
     * crash of the machine, until a flush or {@link Sink#syncEarlierWrites} makes it durable.
     */
    HOST,
    /** Acknowledged by the destination as durable: a flush adds nothing. */
    DESTINATION
}
