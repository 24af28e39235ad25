package dev.nitelog.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded ByteNite API on 127.0.0.1 (API.md section 7): access tokens, the job lists, single
 * jobs and the full-log {@code POST /logs}, with generated jobs whose logs grow on a clock, jobs
 * scripted by tests, and injectable faults. It speaks only the documented wire format and knows
 * nothing of nitelog.
 *
 * <pre>{@code
 * try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().seed(42).build())) {
 *     URI api = sim.apiUrl();   // http://127.0.0.1:PORT/v1/customer
 *     URI auth = sim.authUrl(); // http://127.0.0.1:PORT/v1/auth
 *     String key = sim.apiKey();
 * }
 * }</pre>
 */
public final class ByteNiteSimulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ByteNiteSimulator.class.getName());
    private static final SimJob.Template[] TEMPLATES = {
        new SimJob.Template("img-gen-diffusers-template", "img-gen-diffusers", "fanout-replica", "passthrough",
                "Image generation with diffusers"),
        new SimJob.Template("video-transcoding-template", "video-transcoder", "video-splitter", "video-merger",
                "Video transcoding in chunks"),
        new SimJob.Template("text-embeddings-template", "text-embedder", "line-splitter", "jsonl-merger",
                "Text embeddings in batches"),
    };

    private final SimulatorOptions options;
    private final Clock clock = Clock.systemUTC();
    private volatile String apiKey;
    private final JobRegistry jobs = new JobRegistry();
    private final StatsRecorder stats = new StatsRecorder();
    private final TokenStore tokens;
    private final FaultInjector faults;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final Producer producer;
    private final AtomicInteger generated = new AtomicInteger();
    private final HttpServer server;
    private final ApiHandler handler;

    private ByteNiteSimulator(SimulatorOptions options) throws IOException {
        this.options = options;
        this.apiKey = options.apiKey() != null ? options.apiKey() : generatedKey(options.seed());
        this.tokens = new TokenStore(clock, options.tokenTtl());
        this.faults = new FaultInjector(options.faults(), options.seed());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("bytenite-sim-clock"));
        this.workers = Executors.newFixedThreadPool(options.serverThreads(), daemon("bytenite-sim-http"));
        this.producer = new Producer(options, clock, scheduler);
        ObjectMapper mapper = new ObjectMapper();
        Http http = new Http(options, stats);
        this.handler = new ApiHandler(http, mapper, tokens, faults, stats,
                new JobsResource(jobs, http, mapper, clock, options.maxPageSize()),
                new LogsResource(jobs, http, mapper, stats, options.cacheRenderedLogs()),
                scheduler, workers, apiKey);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 128);
        server.createContext("/", handler);
        server.setExecutor(workers);
    }

    /**
     * Starts a simulator: binds the port, creates the initial generated jobs and starts their
     * clock. Close it to stop everything.
     *
     * @throws UncheckedIOException the port cannot be bound
     */
    public static ByteNiteSimulator start(SimulatorOptions options) {
        Objects.requireNonNull(options, "options");
        try {
            ByteNiteSimulator sim = new ByteNiteSimulator(options);
            sim.server.start();
            for (int i = 0; i < options.jobs(); i++) {
                sim.addGeneratedJob();
            }
            if (!options.newJobEvery().isZero()) {
                long every = options.newJobEvery().toNanos();
                sim.scheduler.scheduleAtFixedRate(sim::addGeneratedJobQuietly, every, every, TimeUnit.NANOSECONDS);
            }
            LOG.log(System.Logger.Level.INFO, "ByteNite simulator listening on {0} (seed {1})",
                    sim.baseUri(), Long.toString(options.seed()));
            return sim;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the ByteNite simulator on 127.0.0.1:" + options.port(), e);
        }
    }

    /** Customer API base URL, e.g. {@code http://127.0.0.1:PORT/v1/customer}. */
    public URI apiUrl() {
        return URI.create(baseUri() + ApiHandler.CUSTOMER);
    }

    /** Authentication API base URL, e.g. {@code http://127.0.0.1:PORT/v1/auth}. */
    public URI authUrl() {
        return URI.create(baseUri() + ApiHandler.AUTH);
    }

    /** The one valid API key. */
    public String apiKey() {
        return apiKey;
    }

    /** The seed every random choice derives from; report it so a run can be repeated. */
    public long seed() {
        return options.seed();
    }

    /** The options the simulator started with. */
    public SimulatorOptions options() {
        return options;
    }

    /** Ids of all jobs, in creation order. */
    public List<String> jobIds() {
        return jobs.all().stream().map(j -> j.id).toList();
    }

    /** The job's current state string, e.g. {@code JOB_STATE_COMPLETE}. */
    public String jobState(String jobId) {
        return jobs.require(jobId).state();
    }

    /**
     * Every line the simulator has made visible for the job so far, in order of visibility (not
     * timestamp order: late lines come last here), exact repeats as separate entries.
     */
    public List<ServedLine> servedLines(String jobId) {
        return jobs.require(jobId).log.served();
    }

    /** Counts of requests per route and of answers per outcome. */
    public SimulatorStats stats() {
        return stats.snapshot();
    }

    /**
     * Rotates the API key, as a user does in ByteNite's console: the old key is refused at
     * {@code /access_token} from now on, and so is every token issued for it.
     */
    public void rotateApiKey(String newKey) {
        apiKey = Objects.requireNonNull(newKey, "newKey");
        handler.apiKey(newKey);
        tokens.expireAll();
    }

    /** Every token issued so far is rejected from now on with 401 {@code {"code":16}}. */
    public void expireTokens() {
        tokens.expireAll();
    }

    /** Replaces the fault rates for requests arriving from now on. */
    public void setFaults(FaultRates rates) {
        faults.setRates(Objects.requireNonNull(rates, "rates"));
    }

    /** The fault rates in force. */
    public FaultRates faults() {
        return faults.rates();
    }

    /** Stops log production of generated jobs (the HTTP API keeps answering). */
    public void pause() {
        producer.pause();
    }

    /** Resumes log production. */
    public void resume() {
        producer.resume();
    }

    /**
     * Adds a job driven by a test: it starts in {@code JOB_STATE_STARTED} with these lines
     * visible at once, and changes only through {@link #appendLines}, {@link #completeJob},
     * {@link #failJob} and {@link #setJobState}.
     *
     * @return the new job's id
     */
    public String addJob(String name, List<ScriptedLine> lines) {
        Instant now = clock.instant();
        SimJob job = new SimJob(UUID.randomUUID().toString(), Objects.requireNonNull(name, "name"), TEMPLATES[0], now);
        job.transition(JobStates.STARTED, now);
        jobs.add(job);
        appendLines(job.id, lines);
        return job.id;
    }

    /** Makes more lines of a job visible now, in the given order. */
    public void appendLines(String jobId, List<ScriptedLine> lines) {
        SimJob job = jobs.require(jobId);
        long visible = clock.millis();
        for (ScriptedLine s : lines) {
            int digits = options.timestamps().digits() < 0
                    ? Timestamps.minimalDigits(s.timestamp().getNano()) : options.timestamps().digits();
            int nanos = Timestamps.truncateNanos(s.timestamp().getNano(), digits);
            long second = s.timestamp().getEpochSecond();
            job.log.add(new Line(job.log.stream(s.service(), s.taskId()), second, nanos,
                    Timestamps.format(second, nanos, digits), s.level(), s.container(), s.message(), visible));
        }
    }

    /** Ends a job in {@code JOB_STATE_COMPLETE}; a generated job stops producing. */
    public void completeJob(String jobId) {
        jobs.require(jobId).transition(JobStates.COMPLETE, clock.instant());
    }

    /** Ends a job in {@code JOB_STATE_FAILED} with this {@code errorMessage}. */
    public void failJob(String jobId, String errorMessage) {
        jobs.require(jobId).transition(JobStates.FAILED, clock.instant(), errorMessage);
    }

    /** Ends a job in {@code JOB_STATE_FAILED} with a generic {@code errorMessage}. */
    public void failJob(String jobId) {
        failJob(jobId, "job failed (simulated)");
    }

    /**
     * Sets any state string, known or not (clients must tolerate unknown ones). A name that
     * reads terminal (COMPLETE, FAILED, ABORT, CANCEL, ERROR, DELET) also sets {@code endedAt}.
     */
    public void setJobState(String jobId, String state) {
        jobs.require(jobId).transition(Objects.requireNonNull(state, "state"), clock.instant());
    }

    /** Adds a generated job now, as {@code newJobEvery} does; returns its id. */
    public String addGeneratedJob() {
        int index = generated.getAndIncrement();
        Random random = new Random(options.seed() * 0x9E3779B97F4A7C15L + index);
        SimJob.Template template = TEMPLATES[index % TEMPLATES.length];
        String id = uuid(random);
        List<String> taskIds = new ArrayList<>();
        for (int t = 0; t < options.tasksPerJob(); t++) {
            taskIds.add(uuid(random));
        }
        boolean fails = random.nextDouble() < options.failedFraction();
        JobScript script = new JobScript(random, taskIds, template.app(), options.linesPerJob(), fails);
        SimJob job = new SimJob(id, "sim-job-" + (index + 1) + " with " + template.id(), template,
                taskIds.size(), clock.instant(), script, new Random(random.nextLong()));
        jobs.add(job);
        producer.start(job);
        return id;
    }

    /** Stops the server and the clock; in-flight responses are cut. */
    @Override
    public void close() {
        server.stop(0);
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    @Override
    public String toString() {
        return "ByteNiteSimulator[" + baseUri() + ", seed=" + options.seed() + ", jobs=" + jobs.size() + "]";
    }

    private void addGeneratedJobQuietly() {
        try {
            addGeneratedJob();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "simulator could not add a job", e);
        }
    }

    private String baseUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String uuid(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static String generatedKey(long seed) {
        Random random = new Random(seed ^ 0xA11CE);
        return "sim-key-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
