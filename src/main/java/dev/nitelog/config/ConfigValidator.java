package dev.nitelog.config;

import io.quarkus.runtime.configuration.MemorySize;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks the configuration beyond what the mapping's types catch, at startup and in
 * {@code validate}: unknown keys under {@code nitelog.}, out-of-range values, unknown sink types,
 * and each sink's own keys against its type's options (a key of another type is an error, and
 * every option is read, so a value of the wrong type is found here). The first problem is thrown
 * as one line naming the key, the value and the fix.
 */
public final class ConfigValidator {
    private static final KnownKeys KNOWN = new KnownKeys(NitelogConfig.class, "nitelog");
    /** Below this even one long tqdm line would be cut every time. */
    private static final long MIN_RESPONSE_BYTES = 64L * 1024;
    /** Beyond this one poll alone could outgrow any sensible heap. */
    private static final long MAX_RESPONSE_BYTES = 16L * 1024 * 1024 * 1024;

    /** A key under a sink: its name (quoted when it has a dot) and the rest. */
    private static final Pattern SINK_KEY = Pattern.compile("nitelog\\.sinks\\.(\"[^\"]+\"|[^.\"]+)\\.(.+)");
    private static final Pattern INDEXED = Pattern.compile("(.+)\\[\\d+\\]");

    /** Sink type to the interface of its own keys. */
    private final Map<String, Class<?>> sinkTypes;
    private final Map<String, KnownKeys> sinkKeys = new TreeMap<>();

    /**
     * @param sinkTypes the sink types adapters provide, each with the interface of its own keys
     *                  (read by {@link Options})
     */
    public ConfigValidator(Map<String, Class<?>> sinkTypes) {
        this.sinkTypes = new TreeMap<>(sinkTypes);
        sinkTypes.forEach((type, options) -> sinkKeys.put(type, new KnownKeys(options, "")));
    }

    /** @throws InvalidConfigException describing the first problem found */
    public void validate(NitelogConfig config, Config raw) {
        unknownKeys(raw, config);
        Values values = new Values(raw);
        bytenite(config.bytenite(), values);
        jobs(config.jobs(), values);
        values.between("nitelog.dedup.lateness", config.dedup().lateness(), Duration.ZERO, Duration.ofDays(1));
        values.between("nitelog.dedup.max-future", config.dedup().maxFuture(), Duration.ofSeconds(1), Duration.ofDays(1));
        values.size("nitelog.spool.max-bytes", config.spool().maxBytes(), "1M", 1L << 20, "1T", 1L << 40);
        values.size("nitelog.spool.reorder-buffer", config.spool().reorderBuffer(), "64K", 64L << 10, "1G", 1L << 30);
        values.between("nitelog.state.flush-interval", config.state().flushInterval(), Duration.ofMillis(10), Duration.ofHours(1));
        values.between("nitelog.shutdown.timeout", config.shutdown().timeout(), Duration.ZERO, Duration.ofHours(1));
        values.size("nitelog.dead-letter.max-bytes", config.deadLetter().maxBytes(), "64K", 64L << 10, "1T", 1L << 40);
        if (config.sinks().isEmpty()) {
            throw new InvalidConfigException("no sink is configured: add one, e.g. nitelog.sinks.console.type=stdout");
        }
        config.sinks().forEach((name, sink) -> sink(name, sink, values, raw));
    }

    /**
     * Keys from the config file and system properties only: environment variables are a namespace
     * shared with the platform ({@code NITELOG_CONFIG} itself, {@code NITELOG_HTTP_PORT}), and
     * their names do not say where a dash was.
     */
    private void unknownKeys(Config raw, NitelogConfig config) {
        for (ConfigSource source : raw.getConfigSources()) {
            if (source.getName().startsWith("EnvConfigSource")) {
                continue;
            }
            source.getPropertyNames().stream()
                    .filter(key -> key.startsWith("nitelog."))
                    .sorted()
                    .map(key -> problem(key, config, source))
                    .flatMap(Optional::stream)
                    .findFirst()
                    .ifPresent(problem -> {
                        throw new InvalidConfigException(problem);
                    });
        }
    }

    /**
     * What is wrong with a key, if anything. A key under a sink must be a key every sink has or
     * one of its type's options; one that another type takes is named as misplaced, with the keys
     * its own type takes.
     */
    private Optional<String> problem(String key, NitelogConfig config, ConfigSource source) {
        if (KNOWN.matches(key)) {
            return Optional.empty();
        }
        String unknown = "unknown key " + key + " (in " + describe(source)
                + "): check its spelling against the configuration reference in README.md, or remove it";
        Matcher sinkKey = SINK_KEY.matcher(key);
        if (!sinkKey.matches()) {
            return Optional.of(unknown);
        }
        String name = sinkKey.group(1).replace("\"", "");
        String option = sinkKey.group(2);
        SinkConfig sink = config.sinks().get(name);
        KnownKeys own = sink == null ? null : sinkKeys.get(sink.type());
        if (sink == null || own == null) {
            return Optional.empty(); // no such type: reported as such by the sink's own check
        }
        if (own.matches("." + option)) {
            return Optional.empty();
        }
        String type = sink.type();
        Matcher indexed = INDEXED.matcher(option);
        if (indexed.matches() && own.matches("." + indexed.group(1))) {
            return Optional.empty(); // a list given to a single-valued option: Options names it with its values
        }
        java.util.List<String> typeKeys = Options.keys(sinkTypes.get(type));
        String takes = type + " takes " + (typeKeys.isEmpty() ? "no keys" : String.join(", ", typeKeys))
                + " besides those every sink has";
        String others = sinkKeys.entrySet().stream()
                .filter(e -> e.getValue().matches("." + option)
                        || (indexed.matches() && e.getValue().matches("." + indexed.group(1))))
                .map(Map.Entry::getKey).collect(Collectors.collectingAndThen(Collectors.toList(), ConfigValidator::or));
        if (others.isEmpty()) {
            return Optional.of(unknown);
        }
        return Optional.of(key + " (in " + describe(source) + "): not an option of sink type " + type
                + ", only of " + others + " (" + takes + "): remove it, or set " + Options.sinkPrefix(name)
                + ".type if the sink is meant to be of another type");
    }

    private static String describe(ConfigSource source) {
        String name = source.getName();
        int bracket = name.indexOf('[');
        String inner = bracket >= 0 && name.endsWith("]") ? name.substring(bracket + 1, name.length() - 1) : name;
        return inner.replaceFirst("^source=", "").replaceFirst("^file:", "");
    }

    private static void bytenite(ByteNiteConfig bytenite, Values values) {
        url("nitelog.bytenite.api-url", bytenite.apiUrl());
        url("nitelog.bytenite.auth-url", bytenite.authUrl());
        values.between("nitelog.bytenite.request-timeout", bytenite.requestTimeout(), Duration.ofMillis(100), Duration.ofHours(1));
        values.range("nitelog.bytenite.max-retries", bytenite.maxRetries(), 0, 100);
        values.between("nitelog.bytenite.retry-backoff", bytenite.retryBackoff(), Duration.ofMillis(1), Duration.ofHours(1));
        values.between("nitelog.bytenite.retry-max-backoff", bytenite.retryMaxBackoff(), bytenite.retryBackoff(), Duration.ofHours(1));
        // an access token lives an hour: renewing it that long before expiry would renew on every call
        values.between("nitelog.bytenite.token-renew-before", bytenite.tokenRenewBefore(), Duration.ZERO, Duration.ofMinutes(30));
        values.range("nitelog.bytenite.circuit-breaker-window", bytenite.circuitBreakerWindow(), 1, 10_000);
        values.between("nitelog.bytenite.circuit-breaker-delay", bytenite.circuitBreakerDelay(), Duration.ofMillis(100), Duration.ofHours(1));
        values.range("nitelog.bytenite.max-requests-per-second", bytenite.maxRequestsPerSecond(), 1, 10_000);
        values.size("nitelog.bytenite.max-response-bytes", bytenite.maxResponseBytes(), "64K", MIN_RESPONSE_BYTES,
                "16G", MAX_RESPONSE_BYTES);
        // the parser's own string limit is 256M characters: a bound above it would never act
        values.size("nitelog.bytenite.max-line-bytes", bytenite.maxLineBytes(), "1K", 1024, "256M", 256L * 1024 * 1024);
        Secrets.resolve("nitelog.bytenite.api-key", bytenite.apiKey().filter(k -> !k.isBlank()), bytenite.apiKeyFile());
        boolean customApi = !bytenite.apiUrl().equals("https://api.bytenite.com/v1/customer");
        if (customApi && bytenite.apiKey().isEmpty() && bytenite.apiKeyFile().isEmpty()) {
            throw new InvalidConfigException("nitelog.bytenite.api-key is not set but nitelog.bytenite.api-url="
                    + bytenite.apiUrl() + " is: set NITELOG_BYTENITE_API_KEY or nitelog.bytenite.api-key-file"
                    + " (without a key and api-url, nitelog runs its demo)");
        }
    }

    private static void jobs(JobsConfig jobs, Values values) {
        values.between("nitelog.jobs.poll-interval", jobs.pollInterval(), Duration.ofMillis(100), Duration.ofHours(1));
        if (jobs.effectivePollIntervalMax().compareTo(jobs.pollInterval()) < 0) {
            throw new InvalidConfigException("nitelog.jobs.poll-interval-max=" + human(jobs.effectivePollIntervalMax())
                    + " is shorter than nitelog.jobs.poll-interval=" + human(jobs.pollInterval())
                    + ": use a poll-interval-max of at least " + human(jobs.pollInterval()));
        }
        values.between("nitelog.jobs.poll-interval-max", jobs.effectivePollIntervalMax(), jobs.pollInterval(),
                Duration.ofDays(1));
        values.between("nitelog.jobs.discovery-interval", jobs.discoveryInterval(), Duration.ofSeconds(1), Duration.ofDays(1));
        values.range("nitelog.jobs.discovery-page-size", jobs.discoveryPageSize(), 1, 1000);
        values.range("nitelog.jobs.drain-polls", jobs.drainPolls(), 0, 100);
        if (jobs.drainPeriod().isPresent()) {
            values.between("nitelog.jobs.drain-period", jobs.drainPeriod().get(), Duration.ZERO, Duration.ofDays(1));
        }
        values.range("nitelog.jobs.max-concurrent-polls", jobs.maxConcurrentPolls(), 1, 1024);
        values.between("nitelog.jobs.retention", jobs.retention(), Duration.ZERO, Duration.ofDays(3650));
        values.between("nitelog.jobs.backfill", jobs.backfill(), Duration.ZERO, Duration.ofDays(3650));
        if (jobs.retention().compareTo(jobs.backfill()) < 0) {
            // a purged tombstone of a job that still ended within the backfill window would be drained again
            throw new InvalidConfigException("nitelog.jobs.retention=" + jobs.retention() + " is shorter than"
                    + " nitelog.jobs.backfill=" + jobs.backfill() + ": keep retention at least as long as backfill,"
                    + " or finished jobs are shipped again");
        }
        if (!jobs.discover() && jobs.ids().map(java.util.List::isEmpty).orElse(true)) {
            throw new InvalidConfigException("nitelog.jobs.discover=false and nitelog.jobs.ids is empty, so there is"
                    + " nothing to follow: list job ids in nitelog.jobs.ids or set nitelog.jobs.discover=true");
        }
    }

    private void sink(String name, SinkConfig sink, Values values, Config raw) {
        String key = "nitelog.sinks." + name;
        Class<?> options = sinkTypes.get(sink.type());
        if (options == null) {
            throw new InvalidConfigException(key + ".type=" + sink.type() + " is not a sink type: use one of "
                    + String.join(", ", sinkTypes.keySet()));
        }
        values.range(key + ".batch-size", sink.batchSize(), 1, 1_000_000);
        values.range(key + ".queue-records", sink.queueRecords(), sink.batchSize(), 100_000_000);
        values.size(key + ".queue-bytes", sink.queueBytes(), "1M", 1L << 20, "64G", 64L << 30);
        values.between(key + ".linger", sink.linger(), Duration.ZERO, Duration.ofHours(1));
        values.between(key + ".retry-backoff", sink.retryBackoff(), Duration.ofMillis(1), Duration.ofHours(1));
        values.between(key + ".retry-max-backoff", sink.retryMaxBackoff(), sink.retryBackoff(), Duration.ofDays(1));
        // the type's own keys: every value converted and range-checked, and the rules across keys
        // (a secret set once, its file readable) that the adapter's options type declares
        Options.read(raw, Options.sinkPrefix(name), options);
    }

    /** {@code a}, {@code a or b}, {@code a, b or c}. */
    private static String or(java.util.List<String> names) {
        if (names.size() < 2) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static void url(String key, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key + "=" + value + " is not a URL: use e.g. https://api.bytenite.com/v1/customer");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new InvalidConfigException(key + "=" + value + " is not an http(s) URL: use e.g. https://api.bytenite.com/v1/customer");
        }
    }

    /**
     * Range checks whose messages show a value as the user wrote it ({@code 10ms}, not
     * {@code PT0.01S}); the mapped value when the key was not written (a default or a map entry).
     */
    private record Values(Config raw) {
        private String written(String key, Object mapped) {
            return raw.getConfigValue(key).getRawValue() != null ? raw.getConfigValue(key).getRawValue().strip()
                    : mapped instanceof Duration d ? human(d) : String.valueOf(mapped);
        }

        void range(String key, long value, long min, long max) {
            if (value < min || value > max) {
                throw new InvalidConfigException(key + "=" + written(key, value) + " is out of range: use a value from "
                        + min + " to " + max);
            }
        }

        void between(String key, Duration value, Duration min, Duration max) {
            if (value.compareTo(min) < 0) {
                throw new InvalidConfigException(key + "=" + written(key, value) + " is too short: use at least " + human(min));
            }
            if (value.compareTo(max) > 0) {
                throw new InvalidConfigException(key + "=" + written(key, value) + " is too long: use at most " + human(max));
            }
        }

        /** Sizes as BigInteger: a huge one would wrap around in a long. */
        void size(String key, MemorySize value, String minText, long min, String maxText, long max) {
            java.math.BigInteger bytes = value.asBigInteger();
            if (bytes.compareTo(java.math.BigInteger.valueOf(min)) < 0) {
                throw new InvalidConfigException(key + "=" + written(key, bytes) + " is too small: use at least " + minText);
            }
            if (bytes.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
                throw new InvalidConfigException(key + "=" + written(key, bytes) + " is too large: use at most " + maxText);
            }
        }
    }

    /** A duration as a user writes it in config: {@code 5s} or {@code 300ms}. */
    public static String human(Duration d) {
        if (d.getSeconds() > Long.MAX_VALUE / 1000) {
            return d.toSeconds() + "s"; // toMillis would overflow
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
