package dev.nitelog.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/**
 * nitelog's whole configuration: one YAML file (path from {@code NITELOG_CONFIG}), every key
 * overridable from the environment ({@code nitelog.sinks.archive.path} is
 * {@code NITELOG_SINKS_ARCHIVE_PATH}). {@link ConfigValidator} checks it at startup and in
 * {@code validate}; README lists every key.
 */
@ConfigMapping(prefix = "nitelog")
public interface NitelogConfig {

    /** Where ByteNite is and how to authenticate. */
    ByteNiteConfig bytenite();

    /** Which jobs to follow and how often to poll them. */
    JobsConfig jobs();

    /** De-duplication across polls that repeat the whole log. */
    DedupConfig dedup();

    /** Durable progress (cursors) on disk. */
    StateConfig state();

    /** The disk spool that holds a backlog's surplus so it is fetched once. */
    SpoolConfig spool();

    /** Graceful shutdown. */
    ShutdownConfig shutdown();

    /** Records sinks rejected for good, kept under {@code <state dir>/dead-letters}. */
    DeadLetterConfig deadLetter();

    /**
     * Named sinks: {@code nitelog.sinks.<name>.type} and that type's keys. Several sinks of one
     * type are allowed. With no sink configured, nitelog prints JSON lines to stdout.
     */
    Map<String, SinkConfig> sinks();

    /** De-duplication settings. */
    interface DedupConfig {
        /**
         * How far below the newest timestamp seen a line may still arrive and be shipped (Loki
         * accepts out-of-order lines). Record ids within this window are kept per job and sink;
         * a line older than the window is counted as late and not shipped.
         */
        @WithDefault("2m")
        Duration lateness();

        /**
         * How far after now a line may be stamped and still move its stream's high water. A line
         * stamped further ahead (a clock far off, a bogus year) is shipped once and remembered by
         * id, without moving any high water, so it cannot make later lines look old.
         */
        @WithDefault("5m")
        Duration maxFuture();
    }

    /** Durable state settings. */
    interface StateConfig {
        /** Directory for cursor checkpoints and dead letters; must be writable. */
        @WithDefault("./data")
        String dir();

        /** How often committed cursors are written to disk (debounced). */
        @WithDefault("1s")
        Duration flushInterval();
    }

    /**
     * The per-job spool under {@code <state dir>/spool}: when a poll finds more new lines than the
     * sinks' queues hold, the surplus is written here and the sinks drain it without fetching the
     * job's log again. A cache of that fetch, never the source of truth: it is emptied at start.
     */
    interface SpoolConfig {
        /**
         * The most bytes all jobs' spools may hold together. When full, a backlog is taken in
         * slices instead, each a fresh fetch (counted in {@code nitelog_spool_full_total}).
         */
        @WithDefault("1G")
        MemorySize maxBytes();

        /**
         * The heap one poll may take to put a response's new lines in time order per stream (the
         * API's order is unspecified). New lines beyond it are handed on as listed while every
         * stream came in time order, else sorted on disk in the spool's directory, within
         * {@code max-bytes}, and handed on when the response ends.
         */
        @WithDefault("8M")
        MemorySize reorderBuffer();
    }

    /** Dead-letter settings. */
    interface DeadLetterConfig {
        /**
         * The most one sink's dead-letter files ({@code <sink>.jsonl} and its rotated
         * {@code <sink>.jsonl.N}) may hold together. Nothing is ever deleted: at the limit a new dead
         * letter fails its batch, so that sink stops committing and lags (readiness shows it failing)
         * until the files are moved away or the limit is raised.
         */
        @WithDefault("1G")
        MemorySize maxBytes();
    }

    /** Shutdown settings. */
    interface ShutdownConfig {
        /** How long in-flight batches may take to complete after SIGTERM. */
        @WithDefault("20s")
        Duration timeout();
    }
}
