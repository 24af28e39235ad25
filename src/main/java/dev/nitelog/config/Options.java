package dev.nitelog.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the options of one sink adapter, {@code nitelog.sinks.<name>.*}, into that adapter's own
 * options interface, at run time, from the application's config (the same file, environment,
 * profiles and {@code ${...}} expressions as the rest). The interface is written like a config
 * mapping group: one key per method (its name in kebab case, or {@link WithName}), defaults with
 * {@link WithDefault}, ranges with {@link Bounds}; return types {@code String}, {@code int},
 * {@code long}, {@code boolean}, enums, {@link Duration}, {@link MemorySize}, {@code Optional} and
 * {@code List} of those, {@code Map<String, String>} (free-form keys under the option) and nested
 * interfaces (a group of keys, e.g. {@code tls.*}).
 *
 * <p>Every value is read and checked when the options are read, so a wrong one stops startup (and
 * {@code validate}) in one line naming the key, the value as written and the fix. Adapters thereby
 * own their keys, and the config package never needs to know them.
 */
public final class Options {
    private static final DurationConverter DURATIONS = new DurationConverter();
    private static final MemorySizeConverter SIZES = new MemorySizeConverter();

    private final Config raw;
    private final Set<String> names = new HashSet<>();

    private Options(Config raw) {
        this.raw = raw;
        raw.getPropertyNames().forEach(names::add);
    }

    /**
     * The options under {@code prefix} as an instance of {@code type}; runs
     * {@link CheckedOptions#check} when the type has rules across keys.
     *
     * @param prefix the keys' prefix without a trailing dot, e.g. {@code nitelog.sinks.archive}
     * @throws InvalidConfigException naming the key, the value and the fix
     */
    public static <T> T read(Config raw, String prefix, Class<T> type) {
        T options = new Options(raw).group(prefix, type);
        if (options instanceof CheckedOptions checked) {
            checked.check(prefix + ".");
        }
        return options;
    }

    /**
     * The prefix of sink {@code name}'s keys, {@code nitelog.sinks.<name>}, without a trailing dot;
     * a name with a dot is quoted, as config sources write it.
     */
    public static String sinkPrefix(String name) {
        return "nitelog.sinks." + (name.contains(".") ? "\"" + name + "\"" : name);
    }

    /**
     * The keys an options type takes, as a user writes them: {@code path}, {@code tls.*} for a group,
     * {@code producer.*} for free-form keys; sorted.
     */
    public static List<String> keys(Class<?> type) {
        List<String> keys = new ArrayList<>();
        for (Method method : options(type)) {
            Class<?> raw = raw(method.getGenericReturnType());
            boolean group = isGroup(raw) || Map.class.isAssignableFrom(raw);
            keys.add(name(method) + (group ? ".*" : ""));
        }
        keys.sort(null);
        return keys;
    }

    /** The option methods of a type: abstract, no parameters. */
    static List<Method> options(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() == 0 && !method.isDefault() && !Modifier.isStatic(method.getModifiers())
                    && method.getDeclaringClass() != Object.class) {
                methods.add(method);
            }
        }
        return methods;
    }

    @SuppressWarnings("unchecked")
    private <T> T group(String prefix, Class<T> type) {
        Map<String, Object> values = new HashMap<>();
        for (Method method : options(type)) {
            values.put(method.getName(), value(prefix + "." + name(method), method));
        }
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> type.getSimpleName() + "[" + prefix + "]"; // never the values: secrets
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return values.get(method.getName());
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, handler);
    }

    private Object value(String key, Method method) {
        Type type = method.getGenericReturnType();
        Class<?> raw = raw(type);
        WithDefault withDefault = method.getAnnotation(WithDefault.class);
        Optional<String> fallback = Optional.ofNullable(withDefault).map(WithDefault::value);
        Optional<Bounds> bounds = Optional.ofNullable(method.getAnnotation(Bounds.class));
        if (raw == Optional.class) {
            Type inner = argument(type, 0);
            if (List.class.isAssignableFrom(raw(inner))) {
                List<Object> list = list(key, raw(argument(inner, 0)), fallback);
                return list.isEmpty() ? Optional.empty() : Optional.of(list);
            }
            return scalar(key, raw(inner), fallback, bounds);
        }
        if (List.class.isAssignableFrom(raw)) {
            return list(key, raw(argument(type, 0)), fallback);
        }
        if (Map.class.isAssignableFrom(raw)) {
            return map(key);
        }
        if (isGroup(raw)) {
            return group(key, raw);
        }
        return scalar(key, raw, fallback, bounds).orElseThrow(() -> new InvalidConfigException(
                key + " is not set: set it (see the sink's options table in docs)"));
    }

    /** A single value; empty when neither set nor defaulted. */
    private Optional<Object> scalar(String key, Class<?> type, Optional<String> fallback, Optional<Bounds> bounds) {
        List<String> indexed = indexed(key);
        if (!indexed.isEmpty()) {
            String last = key.substring(key.lastIndexOf('.') + 1);
            throw new InvalidConfigException(key + "=" + indexed + " is a list: " + last + " takes one value"
                    + fallback.map(f -> ", e.g. " + last + ": " + f).orElse("") + "; write it without [ ] or -");
        }
        ConfigValue configValue = raw.getConfigValue(key);
        String text = configValue.getValue();
        String written;
        if (text == null) {
            if (fallback.isEmpty()) {
                return Optional.empty();
            }
            text = fallback.get();
            written = text;
        } else {
            written = configValue.getRawValue() == null ? text : configValue.getRawValue().strip();
        }
        Object value = convert(key, type, text, written, fallback);
        bounds.ifPresent(b -> bounded(key, type, value, written, b));
        return Optional.of(value);
    }

    /** Values of {@code key[0]}, {@code key[1]}, ... as a YAML sequence gives them; empty if none. */
    private List<String> indexed(String key) {
        Map<Integer, String> found = new TreeMap<>();
        String start = key + "[";
        for (String name : names) {
            if (name.startsWith(start) && name.endsWith("]")) {
                try {
                    int index = Integer.parseInt(name.substring(start.length(), name.length() - 1));
                    found.put(index, raw.getConfigValue(name).getValue());
                } catch (NumberFormatException notAnIndex) {
                    // e.g. key[a]: left to the unknown-key check
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private List<Object> list(String key, Class<?> element, Optional<String> fallback) {
        Optional<List<String>> texts;
        try {
            texts = raw.getOptionalValues(key, String.class);
        } catch (RuntimeException e) {
            throw new InvalidConfigException(key + " cannot be read as a list (" + e.getMessage()
                    + "): write it as a YAML list or comma-separated values");
        }
        List<String> items = texts.orElseGet(() -> fallback.map(f -> Arrays.asList(f.split(","))).orElse(List.of()));
        List<Object> out = new ArrayList<>();
        for (String item : items) {
            out.add(convert(key, element, item.strip(), item.strip(), Optional.empty()));
        }
        return List.copyOf(out);
    }

    /**
     * Free-form keys under {@code key.}, from the sources that spell them (the file, system
     * properties): an environment variable's name cannot say where a dot was, so it can override
     * such a key's value but not add one.
     */
    private Map<String, String> map(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        String start = key + ".";
        for (String name : names) {
            if (name.startsWith(start)) {
                String sub = name.substring(start.length());
                if (sub.length() > 1 && sub.startsWith("\"") && sub.endsWith("\"")) {
                    sub = sub.substring(1, sub.length() - 1); // a dotted YAML key, quoted by the source
                }
                String value = raw.getConfigValue(name).getValue();
                if (value != null) {
                    out.put(sub, value);
                }
            }
        }
        return Map.copyOf(out);
    }

    private Object convert(String key, Class<?> type, String text, String written, Optional<String> example) {
        if (type == String.class) {
            return text;
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            try {
                long value = Long.parseLong(text.strip());
                if ((type == int.class || type == Integer.class) && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
                    throw new NumberFormatException();
                }
                return type == int.class || type == Integer.class ? (Object) (int) value : (Object) value;
            } catch (NumberFormatException e) {
                throw bad(key, written, "a whole number" + (type == int.class || type == Integer.class
                        ? " up to 2147483647" : ""), example.orElse("10"));
            }
        }
        if (type == boolean.class || type == Boolean.class) {
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> {
                    return true;
                }
                case "false", "no", "off", "0" -> {
                    return false;
                }
                default -> throw bad(key, written, "true or false", example.orElse("true"));
            }
        }
        if (type == Duration.class) {
            try {
                Duration value = DURATIONS.convert(text.strip());
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                // reported below
            }
            throw bad(key, written, "a duration", example.orElse("30s (or 500ms, 2m)"));
        }
        if (type == MemorySize.class) {
            try {
                MemorySize value = SIZES.convert(text.strip());
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                // reported below
            }
            throw bad(key, written, "a size", example.orElse("5M (or 64K, 1G)"));
        }
        if (type.isEnum()) {
            String wanted = text.strip().replace('-', '_');
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equalsIgnoreCase(wanted)) {
                    return constant;
                }
            }
            String names = Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(Collectors.joining(", "));
            throw new InvalidConfigException(key + "=" + written + " is not one of " + names + ": use one of them");
        }
        try {
            return raw.getConverter(type).orElseThrow().convert(text);
        } catch (RuntimeException e) {
            throw bad(key, written, "a valid " + type.getSimpleName(), example.orElse("the form docs give"));
        }
    }

    private static InvalidConfigException bad(String key, String written, String what, String example) {
        return new InvalidConfigException(key + "=" + written + " is not " + what + ": use e.g. " + example);
    }

    private void bounded(String key, Class<?> type, Object value, String written, Bounds bounds) {
        if (value instanceof Integer || value instanceof Long) {
            long v = ((Number) value).longValue();
            long min = Long.parseLong(bounds.min());
            long max = Long.parseLong(bounds.max());
            if (v < min || v > max) {
                throw new InvalidConfigException(key + "=" + written + " is out of range: use a value from "
                        + bounds.min() + " to " + bounds.max());
            }
        } else if (value instanceof Duration d) {
            if (d.compareTo(DURATIONS.convert(bounds.min())) < 0) {
                throw new InvalidConfigException(key + "=" + written + " is too short: use at least " + bounds.min());
            }
            if (d.compareTo(DURATIONS.convert(bounds.max())) > 0) {
                throw new InvalidConfigException(key + "=" + written + " is too long: use at most " + bounds.max());
            }
        } else if (value instanceof MemorySize size) {
            BigInteger bytes = size.asBigInteger();
            if (bytes.compareTo(SIZES.convert(bounds.min()).asBigInteger()) < 0) {
                throw new InvalidConfigException(key + "=" + written + " is too small: use at least " + bounds.min());
            }
            if (bytes.compareTo(SIZES.convert(bounds.max()).asBigInteger()) > 0) {
                throw new InvalidConfigException(key + "=" + written + " is too large: use at most " + bounds.max());
            }
        } else {
            throw new IllegalStateException("@Bounds on " + key + " of type " + type.getSimpleName());
        }
    }

    static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getPackageName().startsWith("dev.nitelog");
    }

    static String name(Method method) {
        WithName named = method.getAnnotation(WithName.class);
        if (named != null) {
            return named.value();
        }
        return method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
}
