package dev.switchboard.router.usage;

import dev.switchboard.events.UsageV1;
import dev.switchboard.events.Waivers;
import dev.switchboard.router.routing.Candidate;
import dev.switchboard.wire.Attribution;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.EmbeddingRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.Usage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The usage events the router publishes: one final event per request (sequence 0), after interim
 * ones for a long stream ({@link InterimUsage}): what was asked, who served it (null when nobody did),
 * the outcome, the counts and cost, the attempts, the timings and the prices the request was routed
 * with (billing prices from these, not from its own catalog).
 */
public final class UsageEvents {

    private UsageEvents() {}

    /** What every request's event says about its outcome and timing. */
    public record Outcome(
            String status,
            String finishReason,
            ErrorClass errorClass,
            Usage usage,
            List<UsageV1.Attempt> attempts,
            Instant startedAt,
            Instant completedAt,
            UsageV1.Counted counted) {

        public long latencyMs() {
            return Duration.between(startedAt, completedAt).toMillis();
        }
    }

    /**
     * A chat request's event.
     *
     * @param served   the candidate that served it last, or null when no provider was tried
     * @param strategy the routing strategy that ordered the candidates
     * @param images   the request's input images (their per-image fee applies once a provider was tried)
     * @param billedBefore what the request's interim events billed, or null
     */
    public static UsageV1 chat(
            String generationId,
            AuthContext auth,
            String requestedModel,
            boolean streamed,
            Candidate served,
            Outcome outcome,
            Long ttftMs,
            String strategy,
            int images,
            UsageV1.Billed billedBefore,
            UsageV1.App app) {
        return event(
                0,
                generationId,
                auth,
                requestedModel,
                streamed,
                served,
                outcome,
                ttftMs,
                strategy,
                served == null ? 0 : images,
                billedBefore,
                UsageV1.CHAT,
                app);
    }

    /**
     * An interim event of a generation still streaming on {@code served}: its usage so far as the
     * router counted it (status {@code in_progress}, {@code usage_source: estimated}).
     */
    public static UsageV1 interim(
            String generationId,
            AuthContext auth,
            String requestedModel,
            boolean streamed,
            Candidate served,
            InterimUsage.Interim interim,
            List<UsageV1.Attempt> attempts,
            Instant startedAt,
            Long ttftMs,
            String strategy,
            UsageV1.App app) {
        UsageV1.Billed now = interim.usage();
        Usage usage = new Usage(
                now.promptTokens(), now.completionTokens(), 0, 0, now.estimatedCostNanos(), Usage.SOURCE_ESTIMATED);
        Outcome outcome = new Outcome(
                "in_progress",
                null,
                null,
                usage,
                attempts,
                startedAt,
                Instant.now(),
                new UsageV1.Counted(now.promptTokens(), now.completionTokens()));
        return event(
                interim.sequence(),
                generationId,
                auth,
                requestedModel,
                streamed,
                served,
                outcome,
                ttftMs,
                strategy,
                now.images(),
                interim.before(),
                UsageV1.CHAT,
                app);
    }

    /** An embeddings request's event (prompt tokens only). */
    public static UsageV1 embedding(
            String generationId,
            AuthContext auth,
            String requestedModel,
            Candidate served,
            Outcome outcome,
            UsageV1.App app) {
        return event(
                0,
                generationId,
                auth,
                requestedModel,
                false,
                served,
                outcome,
                null,
                null,
                0,
                null,
                UsageV1.EMBEDDING,
                app);
    }

    private static UsageV1 event(
            int sequence,
            String generationId,
            AuthContext auth,
            String requestedModel,
            boolean streamed,
            Candidate served,
            Outcome outcome,
            Long ttftMs,
            String strategy,
            int images,
            UsageV1.Billed billedBefore,
            String kind,
            UsageV1.App app) {
        Usage usage = outcome.usage();
        return new UsageV1(
                generationId,
                sequence,
                sequence == 0,
                auth.accountId(),
                auth.keyId(),
                auth.holdId(),
                requestedModel,
                served == null ? null : served.endpoint().model(),
                served == null ? null : served.provider().name(),
                served == null ? null : served.endpoint().upstreamModel(),
                outcome.status(),
                outcome.finishReason(),
                outcome.errorClass() == null
                        ? null
                        : outcome.errorClass().name().toLowerCase(Locale.ROOT),
                streamed,
                usage.promptTokens(),
                usage.completionTokens(),
                usage.cachedPromptTokens(),
                usage.reasoningTokens(),
                usage.source(),
                usage.costNanos(),
                outcome.attempts(),
                ttftMs,
                outcome.latencyMs(),
                outcome.startedAt(),
                outcome.completedAt(),
                strategy,
                images,
                served == null ? null : UsagePublisher.prices(served.endpoint().prices()),
                served == null ? null : outcome.counted(),
                billedBefore,
                kind,
                app);
    }

    /** The client's attribution for the event: the app it named and the request's end user; null for none. */
    public static UsageV1.App app(RouteRequest request) {
        return app(
                request.app(),
                request.request() == null ? null : request.request().user());
    }

    /** The same for an embeddings request. */
    public static UsageV1.App app(EmbeddingRequest.Routed request) {
        return app(
                request.app(),
                request.request() == null ? null : request.request().user());
    }

    private static UsageV1.App app(Attribution app, String user) {
        return UsageV1.App.of(
                app == null ? null : app.referer(), app == null ? null : app.title(), Attribution.clean(user));
    }

    /**
     * The cost to finish the request's credit hold with: its usage's (the event's
     * {@code estimated_cost_nanos}), or 0 when its event is waived
     * ({@link Waivers}), so that the hold keeps reserved exactly what the charge will take.
     */
    public static long holdCost(UsageV1 event) {
        return Waivers.waived(event) ? 0 : event.estimatedCostNanos();
    }
}
