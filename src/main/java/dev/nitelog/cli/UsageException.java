package dev.nitelog.cli;

/** The command line cannot be understood: nitelog prints the reason and the usage, and exits 64. */
public class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
