package dev.switchboard.router.stream;

import dev.switchboard.events.UsageV1;
import dev.switchboard.router.health.Breakers;
import dev.switchboard.router.health.PassiveRecorder;
import dev.switchboard.router.routing.Candidate;
import dev.switchboard.wire.ErrorClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The attempts of one request, for its usage event, and what each says about its provider: the
 * attempt metric always; passive health (outcome and latency) and the shared breaker only when
 * the outcome is about the provider ({@link FallbackPolicy#aboutProvider}): a request the provider
 * rightly refused neither opens its breaker nor counts as its error. Chat and embeddings record
 * through the same log, so they keep the same books. Not thread-safe: one request's event loop.
 */
final class AttemptLog {

    static final String SUCCESS = "success";

    private final RouterMetrics metrics;
    private final PassiveRecorder passive;
    private final Breakers breakers;
    private final List<UsageV1.Attempt> attempts = new ArrayList<>();

    AttemptLog(RouterMetrics metrics, PassiveRecorder passive, Breakers breakers) {
        this.metrics = metrics;
        this.passive = passive;
        this.breakers = breakers;
    }

    /**
     * A successful attempt.
     *
     * @param latencyMs       start to end of the attempt (for the usage event)
     * @param healthLatencyMs what passive health times: to the first token when there was one
     */
    void succeeded(Candidate candidate, Integer httpStatus, long latencyMs, long healthLatencyMs) {
        add(candidate, SUCCESS, httpStatus, latencyMs);
        passive.record(candidate.provider().name(), candidate.endpoint().id(), SUCCESS, healthLatencyMs);
        breakers.succeeded(candidate.provider().name());
    }

    /**
     * A chat attempt that answered: timed to its first token for passive health, and its output
     * tokens over their streaming time recorded as the endpoint's throughput (shared through Redis).
     */
    void answered(UpstreamAttempt attempt, int httpStatus, int completionTokens) {
        long latency = attempt.elapsedMs();
        long firstToken = attempt.firstTokenMs();
        succeeded(attempt.candidate(), httpStatus, latency, firstToken >= 0 ? firstToken : latency);
        if (firstToken >= 0 && completionTokens >= 0) {
            Candidate candidate = attempt.candidate();
            passive.recordThroughput(
                    candidate.provider().name(), candidate.endpoint().id(), completionTokens, latency - firstToken);
        }
    }

    /** A failed attempt. */
    void failed(Candidate candidate, ErrorClass failure, Integer httpStatus, long latencyMs) {
        String outcome = outcome(failure);
        add(candidate, outcome, httpStatus, latencyMs);
        if (FallbackPolicy.aboutProvider(failure)) {
            passive.record(candidate.provider().name(), candidate.endpoint().id(), outcome, latencyMs);
            breakers.failed(candidate.provider().name());
        }
    }

    private void add(Candidate candidate, String outcome, Integer httpStatus, long latencyMs) {
        attempts.add(new UsageV1.Attempt(
                candidate.provider().name(), candidate.endpoint().model(), outcome, httpStatus, latencyMs));
        metrics.attempt(candidate.provider().name(), outcome);
    }

    /** The attempts so far, in order (the list is live: the usage event takes it at the end). */
    List<UsageV1.Attempt> attempts() {
        return attempts;
    }

    /** An error class as an outcome name ({@code rate_limited}). */
    static String outcome(ErrorClass failure) {
        return failure.name().toLowerCase(Locale.ROOT);
    }
}
