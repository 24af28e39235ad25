package dev.nitelog.health;

import java.util.List;

/**
 * What the probes ask of the running pipeline. Implemented by the pipeline, so health depends
 * only on these SPI types.
 */
public interface HealthSource {

    /** Whether the scheduler finished a tick recently (liveness). */
    ComponentStatus scheduler();

    /** The ByteNite client, every sink, and whether nitelog accepts work (readiness). */
    List<ComponentStatus> readiness();
}
