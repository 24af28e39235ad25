package dev.nitelog.pipeline;

import dev.nitelog.config.InvalidConfigException;

import java.util.NoSuchElementException;

/** Turns a startup failure into the one line a user needs: what is wrong and how to fix it. */
final class StartupErrors {
    private StartupErrors() {
    }

    static String oneLine(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof InvalidConfigException) {
                return cause.getMessage();
            }
            String configProblem = configProblem(cause);
            if (configProblem != null) {
                return configProblem;
            }
            cause = cause.getCause();
        }
        return failure.getMessage() == null ? failure.toString() : firstLine(failure.getMessage());
    }

    /** SmallRye reports conversion and missing-value errors with their key in the message. */
    private static String configProblem(Throwable t) {
        String name = t.getClass().getSimpleName();
        if (name.equals("ConfigValidationException") || t instanceof NoSuchElementException
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
