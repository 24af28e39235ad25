package dev.nitelog.pipeline;

import dev.nitelog.config.ConfigValidator;
import dev.nitelog.config.InvalidConfigException;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.cursor.CheckpointStoreException;
import dev.nitelog.cursor.FileCheckpointStore;
import dev.nitelog.sink.SinkFactory;
import dev.nitelog.sink.SinkRegistry;
import dev.nitelog.testing.TestConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile values for every number, duration and size the config mapping has, found by walking the
 * {@link NitelogConfig} interfaces (so a key added later is attacked too): each must stop startup
 * with one line naming the key, the value as written and the fix, as a config problem (exit code 2).
 * The check is what the daemon and {@code validate} run: the mapping, {@link ConfigValidator}, each
 * sink's factory, the state store.
 */
class ConfigAttackTest {
    private static final String SINK = "s";
    private static final List<SinkFactory<?>> FACTORIES = TestConfig.FACTORIES;

    /** Keys where 0 is a meaningful setting (no retries, no drain, keep every file, no grace). */
    private static final Set<String> ZERO_ALLOWED = Set.of("nitelog.bytenite.max-retries",
            "nitelog.bytenite.token-renew-before", "nitelog.jobs.drain-polls", "nitelog.jobs.drain-period", "nitelog.jobs.backfill",
            "nitelog.jobs.retention", "nitelog.dedup.lateness", "nitelog.shutdown.timeout",
            "nitelog.sinks.s.linger", "nitelog.sinks.s.max-files", "nitelog.sinks.s.max-item-retries",
            "nitelog.sinks.s.max-retries", "nitelog.sinks.s.max-retry-after");

    enum Kind {
        NUMBER("2147483647", "2147483648", "99999999999999999999", "-1", "-2147483649", "abc", "1.5", "5 parsecs", "10xb"),
        DECIMAL("1e400", "NaN", "Infinity", "-1", "abc", "5 parsecs", "10xb"),
        DURATION("9999999999d", "106752d", "-5s", "-1", "abc", "5 parsecs", "10xb", "PT"),
        SIZE("99999999999999999999", "99999999999T", "-1M", "abc", "1.5M", "5 parsecs", "10xb");

        final List<String> attacks;

        Kind(String... attacks) {
            this.attacks = List.of(attacks);
        }
    }

    /** A key the mapping reads as a number, and the sink type that owns it (null outside sinks). */
    record TypedKey(String key, Kind kind, String sinkType) {
    }

    static List<TypedKey> numericKeys() {
        List<TypedKey> keys = new ArrayList<>();
        walk(NitelogConfig.class, "nitelog", null, keys);
        for (SinkFactory<?> factory : FACTORIES) { // each adapter's own keys, on a sink of its type
            walk(factory.optionsType(), "nitelog.sinks." + SINK, factory.type(), keys);
        }
        return keys;
    }

    private static void walk(Class<?> group, String prefix, String sinkType, List<TypedKey> out) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String path = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + name(method);
            Type type = method.getGenericReturnType();
            Class<?> raw = raw(type);
            if (raw == Optional.class) {
                type = ((ParameterizedType) type).getActualTypeArguments()[0];
                raw = raw(type);
            }
            if (Map.class.isAssignableFrom(raw)) {
                Class<?> value = raw(((ParameterizedType) type).getActualTypeArguments()[1]);
                if (value == SinkConfig.class) {
                    walk(value, path + "." + SINK, "stdout", out);
                }
            } else if (raw.isInterface() && raw.getPackageName().startsWith("dev.nitelog")) {
                walk(raw, path, sinkTypeOf(raw, sinkType), out);
            } else {
                Kind kind = kindOf(raw);
                if (kind != null) {
                    out.add(new TypedKey(path, kind, sinkType));
                }
            }
        }
    }

    private static String sinkTypeOf(Class<?> group, String current) {
        String name = group.getSimpleName();
        return name.startsWith("FileSink") ? "file" : name.startsWith("Kafka") ? "kafka"
                : name.startsWith("Elasticsearch") ? "elasticsearch" : current;
    }

    private static Kind kindOf(Class<?> type) {
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class
                || type == short.class || type == Short.class) {
            return Kind.NUMBER;
        } else if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return Kind.DECIMAL;
        } else if (type == Duration.class) {
            return Kind.DURATION;
        } else if (type == MemorySize.class) {
            return Kind.SIZE;
        }
        return null;
    }

    private static String name(Method method) {
        WithName named = method.getAnnotation(WithName.class);
        return named != null ? named.value() : method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    static Stream<Arguments> attacks() {
        List<Arguments> all = new ArrayList<>();
        for (TypedKey key : numericKeys()) {
            for (String value : key.kind().attacks) {
                all.add(Arguments.of(key.key(), value, key.sinkType()));
            }
            if (!ZERO_ALLOWED.contains(key.key())) {
                all.add(Arguments.of(key.key(), key.kind() == Kind.DURATION ? "0s" : "0", key.sinkType()));
            }
        }
        return all.stream();
    }

    @Test
    void findsTheNumericKeysOfEveryGroup() {
        List<String> keys = numericKeys().stream().map(TypedKey::key).toList();
        for (String expected : List.of("nitelog.bytenite.max-retries", "nitelog.bytenite.circuit-breaker-delay",
                "nitelog.jobs.poll-interval", "nitelog.dedup.lateness", "nitelog.state.flush-interval",
                "nitelog.shutdown.timeout", "nitelog.sinks.s.queue-bytes", "nitelog.sinks.s.max-size",
                "nitelog.sinks.s.max-bulk-bytes", "nitelog.sinks.s.item-retry-backoff")) {
            assertTrue(keys.contains(expected), expected + " in " + keys);
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("attacks")
    void rejectsAHostileNumberAtStartupInOneLineNamingKeyValueAndFix(String key, String value, String sinkType,
                                                                     @TempDir Path dir) {
        assertRejected(key, value, problem(props(dir, sinkType, Map.of(key, value))));
    }

    @Test
    void rejectsAFileSinkPathTemplateThatClimbsOutOfItsDirectory(@TempDir Path dir) {
        for (String template : List.of("{job}/../../../etc/cron.d/x", "logs/{date}/../{job}/../../../x.log", "../{job}.log")) {
            String value = dir.resolve("out") + "/" + template;
            assertRejected("nitelog.sinks.s.path", value, problem(props(dir, "file", Map.of("nitelog.sinks.s.path", value))));
        }
    }

    @Test
    void rejectsAStateDirThatIsARegularFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("state-file"), "not a directory");
        String line = problem(props(dir, "stdout", Map.of("nitelog.state.dir", file.toString())));
        assertRejected("nitelog.state.dir", file.toString(), line);
    }

    @Test
    void acceptsTheBaseConfigOfTheseAttacks(@TempDir Path dir) {
        for (String type : List.of("stdout", "file", "kafka", "elasticsearch", "http")) {
            assertNull(problem(props(dir, type, Map.of())), type);
        }
    }

    private static void assertRejected(String key, String value, String line) {
        assertNotNull(line, key + "=" + value + " was accepted");
        assertFalse(line.contains("\n"), "one line: " + line);
        assertTrue(line.contains(key + "=" + value), "names the key and the value as written: " + line);
        assertTrue(line.substring(line.indexOf(key + "=" + value) + key.length() + value.length() + 1).matches(".*: .*\\w.*"),
                "ends in the fix: " + line);
    }

    private static Map<String, String> props(Path dir, String sinkType, Map<String, String> attack) {
        Map<String, String> props = new HashMap<>();
        props.put("nitelog.state.dir", dir.resolve("state").toString());
        props.put("nitelog.sinks." + SINK + ".type", sinkType == null ? "stdout" : sinkType);
        if ("file".equals(sinkType)) {
            props.put("nitelog.sinks." + SINK + ".path", dir.resolve("out/{job}.log").toString());
        } else if ("elasticsearch".equals(sinkType)) {
            props.put("nitelog.sinks." + SINK + ".urls", "http://127.0.0.1:9");
        } else if ("kafka".equals(sinkType)) {
            props.put("nitelog.sinks." + SINK + ".producer.bootstrap.servers", "127.0.0.1:9");
        } else if ("http".equals(sinkType)) {
            props.put("nitelog.sinks." + SINK + ".url", "http://127.0.0.1:9/");
        }
        props.putAll(attack);
        return props;
    }

    /**
     * The line startup would print, or null when startup would go ahead; asserts that a problem is
     * one of those that exit with code 2.
     */
    static String problem(Map<String, String> props) {
        SmallRyeConfig config;
        NitelogConfig mapped;
        try {
            config = TestConfig.build(props);
            mapped = config.getConfigMapping(NitelogConfig.class);
        } catch (RuntimeException e) { // conversion: NitelogMain prints it and exits 2 if it is a config problem
            assertTrue(StartupErrors.isConfigProblem(e), () -> "not a config problem: " + e);
            return StartupErrors.oneLine(e);
        }
        try { // what Lifecycle and ValidateCommand run; each of these exceptions exits 2
            new ConfigValidator(TestConfig.sinkTypes(FACTORIES.stream().map(SinkFactory::type).toArray(String[]::new)))
                    .validate(mapped, config);
            for (Map.Entry<String, SinkConfig> sink : mapped.sinks().entrySet()) {
                SinkFactory<?> factory = FACTORIES.stream().filter(f -> f.type().equals(sink.getValue().type()))
                        .findFirst().orElseThrow();
                SinkRegistry.create(factory, sink.getKey(), sink.getValue(), config).close();
            }
            FileCheckpointStore.open(Path.of(mapped.state().dir()));
            return null;
        } catch (InvalidConfigException | IllegalArgumentException | CheckpointStoreException e) {
            return e.getMessage();
        }
    }

    @Test
    void printsDurationsAsTheUserWroteThem(@TempDir Path dir) {
        assertEquals("nitelog.jobs.poll-interval=10ms is too short: use at least 100ms",
                problem(props(dir, "stdout", Map.of("nitelog.jobs.poll-interval", "10ms"))));
    }
}
