package dev.switchboard.router.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** Request-level metrics of the router (Prometheus at /q/metrics). */
final class RouterMetrics {

    private final MeterRegistry registry;

    RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void attempt(String provider, String outcome) {
        registry.counter("switchboard.router.attempts", "provider", provider, "outcome", outcome).increment();
    }

    void request(String status, String provider, Duration latency, Long ttftMs) {
        String p = provider == null ? "none" : provider;
        Timer.builder("switchboard.router.request.duration").tag("status", status).tag("provider", p)
                .publishPercentileHistogram().register(registry).record(latency);
        if (ttftMs != null) {
            Timer.builder("switchboard.router.ttft").tag("provider", p).publishPercentileHistogram().register(registry)
                    .record(Duration.ofMillis(ttftMs));
        }
    }
}
