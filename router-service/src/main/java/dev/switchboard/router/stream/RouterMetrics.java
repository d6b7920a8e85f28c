package dev.switchboard.router.stream;

import dev.switchboard.events.UsageV1;
import dev.switchboard.wire.Usage;
import io.micrometer.core.instrument.DistributionSummary;
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

    /**
     * How far a provider's reported usage is from Switchboard's own count, in percent of the count
     * ({@code switchboard.router.usage.divergence{provider, part=prompt|completion}}); only for answers
     * whose usage the provider reported. The prompt count includes OpenAI's chat framing, and other
     * families tokenize differently, so a steady offset is expected; a change in it is the signal.
     */
    void usageDivergence(String provider, Usage usage, UsageV1.Counted counted) {
        if (counted == null || !Usage.SOURCE_PROVIDER.equals(usage.source())) {
            return;
        }
        divergence(provider, "prompt", usage.promptTokens(), counted.promptTokens());
        divergence(provider, "completion", usage.completionTokens(), counted.completionTokens());
    }

    private void divergence(String provider, String part, int reported, int counted) {
        if (counted <= 0) {
            return;
        }
        DistributionSummary.builder("switchboard.router.usage.divergence")
                .description("Provider-reported tokens minus Switchboard's count, in percent of the count")
                .baseUnit("percent")
                .tag("provider", provider)
                .tag("part", part)
                .register(registry)
                .record(100.0 * (reported - counted) / counted);
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
