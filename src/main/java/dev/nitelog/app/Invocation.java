package dev.nitelog.app;

import dev.nitelog.cli.Command;

/**
 * The command this process was started with, recorded by the main method before Quarkus starts,
 * for {@link NitelogMain#run} to run once Quarkus is up. Without a main method (in
 * {@code @QuarkusTest}) it is the daemon.
 */
public final class Invocation {
    private static volatile Command current = Command.daemon();

    private Invocation() {
    }

    public static void set(Command command) {
        current = command;
    }

    public static Command current() {
        return current;
    }
}
