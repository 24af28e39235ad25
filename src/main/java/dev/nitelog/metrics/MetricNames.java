package dev.nitelog.metrics;

/** Every meter nitelog exports, in one place (README, "Metrics", explains each). */
public final class MetricNames {
    private MetricNames() {
    }

    public static final String POLLS = "nitelog.polls";
    public static final String POLL_DURATION = "nitelog.poll.duration";
    public static final String RESPONSE_BYTES = "nitelog.poll.response.bytes";
    public static final String RECORDS_FETCHED = "nitelog.records.fetched";
    public static final String RECORDS_SKIPPED = "nitelog.records.skipped";
    public static final String RECORDS_MALFORMED = "nitelog.records.malformed";
    public static final String RECORDS_LATE = "nitelog.records.late";
    /** Lines longer than {@code bytenite.max-line-bytes}, cut there (counted when their record is made). */
    public static final String LINES_CUT = "nitelog.lines.cut";
    /** Records stamped more than {@code dedup.max-future} ahead: shipped without moving a high water. */
    public static final String RECORDS_FUTURE = "nitelog.records.future";
    /** Records of a backlog set aside in the spool because a sink's queue was full. */
    public static final String SPOOL_RECORDS = "nitelog.spool.records";
    /**
     * Chunks the spool could not take, and responses it had no room to sort (full, or not writable):
     * the backlog is then taken in slices.
     */
    public static final String SPOOL_FULL = "nitelog.spool.full";
    /** New records a poll put in time order on disk (sort runs): the API listed a stream out of time order. */
    public static final String SPOOL_SORTED_RECORDS = "nitelog.spool.sorted.records";
    /** Bytes the spool files hold. */
    public static final String SPOOL_BYTES = "nitelog.spool.bytes";
    public static final String SINK_RECORDS_QUEUED = "nitelog.sink.records.queued";
    public static final String SINK_RECORDS_SENT = "nitelog.sink.records.sent";
    /** New records a sink's {@code levels} or {@code services} filter leaves out: never queued, confirmed at once. */
    public static final String SINK_RECORDS_FILTERED = "nitelog.sink.records.filtered";
    public static final String SINK_FAILURES = "nitelog.sink.failures";
    public static final String SINK_RECORDS_RETRIED = "nitelog.sink.records.retried";
    public static final String SINK_QUEUE_DEPTH = "nitelog.sink.queue.depth";
    public static final String SINK_QUEUE_CAPACITY = "nitelog.sink.queue.capacity";
    /** 1 while the sink's worker is not failing, else 0 (exported as {@code nitelog_sink_up}). */
    public static final String SINK_UP = "nitelog.sink.up";
    public static final String SINK_RECORDS_DEAD_LETTERED = "nitelog.sink.records.dead.lettered";
    public static final String SINK_BATCH_DURATION = "nitelog.sink.batch.duration";
    public static final String JOBS = "nitelog.jobs";
    /** Worst {@link #SINK_LAG} over the sinks (exported as {@code nitelog_lag_seconds}). */
    public static final String LAG = "nitelog.lag.seconds";
    /**
     * Per sink: now minus the newest timestamp the sink confirmed, for its worst polled job
     * (exported as {@code nitelog_sink_lag_seconds{sink}}).
     */
    public static final String SINK_LAG = "nitelog.sink.lag.seconds";
    public static final String CHECKPOINT_WRITES = "nitelog.checkpoint.writes";
    public static final String CHECKPOINT_FAILURES = "nitelog.checkpoint.failures";
    public static final String TOKEN_RENEWALS = "nitelog.token.renewals";
    public static final String API_REQUESTS = "nitelog.api.requests";
    public static final String API_RETRIES = "nitelog.api.retries";
    public static final String API_THROTTLED_SECONDS = "nitelog.api.throttled.seconds";
    public static final String RESPONSES_TRUNCATED = "nitelog.responses.truncated";
    /** Lines of retired jobs beyond the cut of a part (one task's log) larger than the response limit. */
    public static final String LINES_UNFETCHED = "nitelog.lines.unfetched";
    /** 1 for the current state of each endpoint's circuit, 0 for the others (a Prometheus state set). */
    public static final String API_CIRCUIT_STATE = "nitelog.api.circuit.state";
    /** Always 1; its labels carry the version and the git revision the jar was built from. */
    public static final String BUILD_INFO = "nitelog.build.info";
}
