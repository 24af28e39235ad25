package dev.nitelog.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** {@code /q/health/live}: the scheduler is alive. A dead scheduler means a restart helps. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {
    private final HealthSource source;

    public LivenessCheck(HealthSource source) {
        this.source = source;
    }

    @Override
    public HealthCheckResponse call() {
        ComponentStatus scheduler = source.scheduler();
        return HealthCheckResponse.named("nitelog-live").status(scheduler.up())
                .withData(scheduler.name(), scheduler.detail()).build();
    }
}
