package dev.nitelog.pipeline;

import dev.nitelog.config.InvalidConfigException;
import io.smallrye.config.ConfigValidationException;

import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a startup failure into the one line a user needs: what is wrong and how to fix it. */
public final class StartupErrors {
    private StartupErrors() {
    }

    public static String oneLine(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof InvalidConfigException) {
                return cause.getMessage();
            }
            String configProblem = configProblem(cause);
            if (configProblem != null) {
                return configProblem;
            }
            if (cause instanceof io.quarkus.runtime.QuarkusBindException) { // wrapped in "Failed to start quarkus"
                return firstLine(cause.getMessage()) + ": another process listens there; give nitelog a free port"
                        + " with NITELOG_HTTP_PORT (the metrics and health port)";
            }
            cause = cause.getCause();
        }
        return failure.getMessage() == null ? failure.toString() : firstLine(failure.getMessage());
    }

    private static final Pattern CONVERSION = Pattern.compile(
            "The config property (\\S+) with the config value \"(.*?)\" threw an Exception whilst being converted");

    /** True when the failure is a configuration value the user must fix (exit code 2). */
    public static boolean isConfigProblem(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidConfigException || configProblem(cause) != null) {
                return true;
            }
        }
        return false;
    }

    /** SmallRye reports conversion and missing-value errors with their key in the message. */
    private static String configProblem(Throwable t) {
        if (t instanceof ConfigValidationException validation && validation.getProblemCount() > 0) {
            String first = validation.getProblem(0).getMessage();
            Matcher conversion = CONVERSION.matcher(first);
            if (conversion.find()) {
                return conversion.group(1) + "=" + conversion.group(2) + " is not a valid value of its type: use the"
                        + " form README.md gives for it (durations like 5s, 500ms or 2m; sizes like 64M; whole numbers;"
                        + " true or false; one of the listed names)";
            }
            return "invalid configuration: " + firstLine(first.replaceFirst("^SRCFG\\d+: ", ""));
        }
        if (t instanceof NoSuchElementException
                || (t instanceof IllegalArgumentException && t.getMessage() != null && t.getMessage().contains("SRCFG"))) {
            return "invalid configuration: " + firstLine(t.getMessage())
                    + " (fix the value in the config file or its environment variable; README lists every key)";
        }
        return null;
    }

    private static String firstLine(String message) {
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip() + " ...";
    }
}
