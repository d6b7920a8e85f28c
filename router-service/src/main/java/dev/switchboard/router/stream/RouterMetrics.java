package dev.switchboard.router.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** Request-level metrics of the router (Prometheus at /q/metrics). */
final class RouterMetrics {

    private final MeterRegistry registry;
    private final Timer fallback;

    RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.fallback = Timer.builder("switchboard.router.fallback")
                .description(
                        "From a provider's failure before the first token to the next provider's request being sent")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void fallback(long nanos) {
        fallback.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void attempt(String provider, String outcome) {
        registry.counter("switchboard.router.attempts", "provider", provider, "outcome", outcome)
                .increment();
    }

    void request(String status, String provider, Duration latency, Long ttftMs) {
        String p = provider == null ? "none" : provider;
        Timer.builder("switchboard.router.request.duration")
                .tag("status", status)
                .tag("provider", p)
                .publishPercentileHistogram()
                .register(registry)
                .record(latency);
        if (ttftMs != null) {
            Timer.builder("switchboard.router.ttft")
                    .tag("provider", p)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.ofMillis(ttftMs));
        }
    }
}
