package dev.nitelog.health;

/**
 * One part of nitelog as a health probe sees it.
 *
 * @param name   e.g. {@code scheduler}, {@code bytenite}, {@code sink:archive}
 * @param up     whether it works
 * @param detail operator-readable, never a secret
 */
public record ComponentStatus(String name, boolean up, String detail) {
}
