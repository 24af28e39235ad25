package dev.nitelog.record;

import java.util.Objects;

/**
 * A ByteNite job as nitelog refers to it.
 *
 * @param id   the job id (a UUID in practice)
 * @param name the human-readable job name; the id when ByteNite gave none
 */
public record JobRef(String id, String name) {
    public JobRef {
        Objects.requireNonNull(id, "id");
        name = name == null || name.isBlank() ? id : name;
    }
}
