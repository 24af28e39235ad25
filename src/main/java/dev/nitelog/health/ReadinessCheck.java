package dev.nitelog.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: the ByteNite circuit is closed and every sink's check passes; the data
 * names each part and why it is down.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
    private final HealthSource source;

    public ReadinessCheck(HealthSource source) {
        this.source = source;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("nitelog-ready");
        boolean up = true;
        for (ComponentStatus part : source.readiness()) {
            response.withData(part.name(), (part.up() ? "UP" : "DOWN") + (part.detail().isEmpty() ? "" : ": " + part.detail()));
            up &= part.up();
        }
        return response.status(up).build();
    }
}
