package dev.nitelog.cli;

/** The command line cannot be understood: nitelog prints the reason and the usage, and exits 64. */
public class UsageException extends Exception {
    private final String usage;

    /** @param usage the help of the command the error is in, ending with a newline */
    public UsageException(String message, String usage) {
        super(message);
        this.usage = usage;
    }

    public String usage() {
        return usage;
    }
}
