package dev.nitelog.config;

import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys the config mapping accepts, read off the {@link NitelogConfig} interfaces themselves so
 * that the unknown-key check can never drift from the mapping. Map keys match any name; lists
 * also accept indexed keys ({@code ids[0]}) as YAML produces them.
 */
final class KnownKeys {
    private final List<Pattern> patterns = new ArrayList<>();

    KnownKeys(Class<?> root, String prefix) {
        collect(root, Pattern.quote(prefix));
    }

    boolean matches(String key) {
        return patterns.stream().anyMatch(p -> p.matcher(key).matches());
    }

    private void collect(Class<?> group, String prefix) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String path = method.isAnnotationPresent(WithParentName.class)
                    ? prefix : prefix + "\\." + Pattern.quote(name(method));
            add(method.getGenericReturnType(), path);
        }
    }

    private void add(Type type, String path) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            add(argument(type, 0), path);
        } else if (Map.class.isAssignableFrom(raw)) {
            Type value = argument(type, 1);
            if (isGroup(raw(value))) {
                add(value, path + "\\.(\"[^\"]+\"|[^.\"]+)"); // a named entry, e.g. a sink
            } else {
                patterns.add(Pattern.compile(path + "\\..+")); // free-form, e.g. Kafka producer properties
            }
        } else if (List.class.isAssignableFrom(raw)) {
            patterns.add(Pattern.compile(path + "(\\[\\d+\\])?"));
        } else if (isGroup(raw)) {
            collect(raw, path);
        } else {
            patterns.add(Pattern.compile(path));
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getPackageName().startsWith("dev.nitelog");
    }

    private static String name(Method method) {
        WithName named = method.getAnnotation(WithName.class);
        if (named != null) {
            return named.value();
        }
        return method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
}
