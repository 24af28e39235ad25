package dev.nitelog.cli;

/**
 * What the command line asks for: a {@link Command} that needs Quarkus (the daemon, {@code validate},
 * {@code logs}), or a {@link Printout} that does not (help, version, completion script).
 */
public sealed interface Parsed permits Command, Parsed.Printout {

    /**
     * Text to print on stdout before exiting, without starting Quarkus: works whatever the config.
     *
     * @param stdout   the text, ending with a newline
     * @param exitCode the process exit code
     */
    record Printout(String stdout, int exitCode) implements Parsed {
    }
}
