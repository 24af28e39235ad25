package dev.nitelog.cli;

/**
 * The command this process was started with, recorded by the main method before Quarkus starts,
 * so startup observers (which run before the command) can tell the daemon from a CLI command.
 * Without a main method (in {@code @QuarkusTest}) it is the daemon.
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
