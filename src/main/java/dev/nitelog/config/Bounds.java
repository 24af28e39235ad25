package dev.nitelog.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The accepted range of a numeric, duration or size option read by {@link Options}, written as
 * in config ({@code 100ms}, {@code 1K}, {@code 0}); both ends included. A value outside it stops
 * startup naming the key, the value as written and the range.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Bounds {
    /** The smallest accepted value. */
    String min();

    /** The largest accepted value. */
    String max();
}
