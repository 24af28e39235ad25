package dev.nitelog.config;

/** A configuration error a user can fix: the message is one line naming the key, the value and the fix. */
public class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
        super(message);
    }
}
