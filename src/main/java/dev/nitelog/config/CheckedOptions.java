package dev.nitelog.config;

/**
 * Options whose rules span several keys (a secret given as a value or as a file, but not both;
 * a certificate with its key). {@link Options#read} runs {@link #check} once every key was read,
 * so the rules hold at startup and in {@code validate}, before any sink is built.
 */
public interface CheckedOptions {

    /**
     * @param prefix the keys' prefix with its trailing dot, e.g. {@code nitelog.sinks.search.}
     * @throws InvalidConfigException naming the keys and the fix
     */
    void check(String prefix);
}
