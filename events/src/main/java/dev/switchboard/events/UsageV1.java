package dev.switchboard.events;

import java.time.Instant;
import java.util.List;

/**
 * Data of {@code switchboard.usage.v1}: what one request consumed. One final event per request
 * ({@code isFinal = true}), possibly preceded by interim ones for long streams; {@code sequence}
 * orders them and, with the generation id, makes each one unique.
 *
 * @param status       {@code success}, {@code error} or {@code cancelled}
 * @param usageSource  {@code provider} (reported by the provider) or {@code estimated} (counted by Switchboard)
 * @param routing      the strategy that ordered the providers: {@code weighted} (the default price-weighted
 *                     draw), {@code price}, {@code latency} or {@code throughput}; null when nothing was planned
 * @param images       input images the request sent (billed where the endpoint has a per-image fee);
 *                     0 when absent from the JSON (events written before images were counted)
 * @param prices       the serving endpoint's prices in the catalog version the request was routed with,
 *                     which billing charges, so a price edit that reaches billing before the event does
 *                     not reprice it; null when nothing was served (and in events written before prices
 *                     were carried, which billing prices with its own catalog)
 * @param counted      Switchboard's own count of the request's tokens (jtokkit, OpenAI's tokenizers), beside
 *                     the provider's in the token fields when {@code usageSource} is {@code provider}, so a
 *                     provider whose reported usage drifts from what was sent and received shows; null when
 *                     nothing was served (and in events written before both counts were carried)
 * @param billedBefore for the events of a long stream, what the generation's earlier events of it
 *                     already billed (their cumulative usage as of the previous event: every event
 *                     carries the usage so far, and billing charges the difference, so the charges of a
 *                     generation add up to its final usage priced once); null for a generation's first
 *                     (or only) event. Interim events ({@code isFinal = false}) have sequences 1, 2, …
 *                     and status {@code in_progress}; the final event keeps sequence 0.
 * @param kind         what was asked for: {@code chat} or {@code embedding} ({@link #EMBEDDING}); null in
 *                     events written before it was carried, which were all chats. An embedding has no
 *                     output tokens and no finish reason: its answer is its vectors
 * @param app          the client's attribution: app and end user ({@link App}); null when it sent none
 */
public record UsageV1(
        String generationId,
        int sequence,
        boolean isFinal,
        String accountId,
        String keyId,
        String holdId,
        String requestedModel,
        String model,
        String provider,
        String upstreamModel,
        String status,
        String finishReason,
        String errorClass,
        boolean streamed,
        int promptTokens,
        int completionTokens,
        int cachedPromptTokens,
        int reasoningTokens,
        String usageSource,
        long estimatedCostNanos,
        List<Attempt> attempts,
        Long ttftMs,
        long latencyMs,
        Instant startedAt,
        Instant completedAt,
        String routing,
        int images,
        Prices prices,
        Counted counted,
        Billed billedBefore,
        String kind,
        App app) {

    public static final String TYPE = Topics.USAGE;
    public static final String CHAT = "chat";
    public static final String EMBEDDING = "embedding";

    public UsageV1 {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** An event without the client's attribution (written before it was carried, or by tests). */
    public UsageV1(
            String generationId,
            int sequence,
            boolean isFinal,
            String accountId,
            String keyId,
            String holdId,
            String requestedModel,
            String model,
            String provider,
            String upstreamModel,
            String status,
            String finishReason,
            String errorClass,
            boolean streamed,
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            String usageSource,
            long estimatedCostNanos,
            List<Attempt> attempts,
            Long ttftMs,
            long latencyMs,
            Instant startedAt,
            Instant completedAt,
            String routing,
            int images,
            Prices prices,
            Counted counted,
            Billed billedBefore,
            String kind) {
        this(
                generationId,
                sequence,
                isFinal,
                accountId,
                keyId,
                holdId,
                requestedModel,
                model,
                provider,
                upstreamModel,
                status,
                finishReason,
                errorClass,
                streamed,
                promptTokens,
                completionTokens,
                cachedPromptTokens,
                reasoningTokens,
                usageSource,
                estimatedCostNanos,
                attempts,
                ttftMs,
                latencyMs,
                startedAt,
                completedAt,
                routing,
                images,
                prices,
                counted,
                billedBefore,
                kind,
                null);
    }

    /** An event without its kind: a chat's (written before the kind was carried, or by tests). */
    public UsageV1(
            String generationId,
            int sequence,
            boolean isFinal,
            String accountId,
            String keyId,
            String holdId,
            String requestedModel,
            String model,
            String provider,
            String upstreamModel,
            String status,
            String finishReason,
            String errorClass,
            boolean streamed,
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            String usageSource,
            long estimatedCostNanos,
            List<Attempt> attempts,
            Long ttftMs,
            long latencyMs,
            Instant startedAt,
            Instant completedAt,
            String routing,
            int images,
            Prices prices,
            Counted counted,
            Billed billedBefore) {
        this(
                generationId,
                sequence,
                isFinal,
                accountId,
                keyId,
                holdId,
                requestedModel,
                model,
                provider,
                upstreamModel,
                status,
                finishReason,
                errorClass,
                streamed,
                promptTokens,
                completionTokens,
                cachedPromptTokens,
                reasoningTokens,
                usageSource,
                estimatedCostNanos,
                attempts,
                ttftMs,
                latencyMs,
                startedAt,
                completedAt,
                routing,
                images,
                prices,
                counted,
                billedBefore,
                null);
    }

    /** Whether the request was for embeddings (else a chat). */
    public boolean embedding() {
        return EMBEDDING.equals(kind);
    }

    /** A generation's first or only event: nothing billed before it. */
    public UsageV1(
            String generationId,
            int sequence,
            boolean isFinal,
            String accountId,
            String keyId,
            String holdId,
            String requestedModel,
            String model,
            String provider,
            String upstreamModel,
            String status,
            String finishReason,
            String errorClass,
            boolean streamed,
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            String usageSource,
            long estimatedCostNanos,
            List<Attempt> attempts,
            Long ttftMs,
            long latencyMs,
            Instant startedAt,
            Instant completedAt,
            String routing,
            int images,
            Prices prices,
            Counted counted) {
        this(
                generationId,
                sequence,
                isFinal,
                accountId,
                keyId,
                holdId,
                requestedModel,
                model,
                provider,
                upstreamModel,
                status,
                finishReason,
                errorClass,
                streamed,
                promptTokens,
                completionTokens,
                cachedPromptTokens,
                reasoningTokens,
                usageSource,
                estimatedCostNanos,
                attempts,
                ttftMs,
                latencyMs,
                startedAt,
                completedAt,
                routing,
                images,
                prices,
                counted,
                null);
    }

    /** An event without Switchboard's own count (written before both counts were carried, or by tests). */
    public UsageV1(
            String generationId,
            int sequence,
            boolean isFinal,
            String accountId,
            String keyId,
            String holdId,
            String requestedModel,
            String model,
            String provider,
            String upstreamModel,
            String status,
            String finishReason,
            String errorClass,
            boolean streamed,
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            String usageSource,
            long estimatedCostNanos,
            List<Attempt> attempts,
            Long ttftMs,
            long latencyMs,
            Instant startedAt,
            Instant completedAt,
            String routing,
            int images,
            Prices prices) {
        this(
                generationId,
                sequence,
                isFinal,
                accountId,
                keyId,
                holdId,
                requestedModel,
                model,
                provider,
                upstreamModel,
                status,
                finishReason,
                errorClass,
                streamed,
                promptTokens,
                completionTokens,
                cachedPromptTokens,
                reasoningTokens,
                usageSource,
                estimatedCostNanos,
                attempts,
                ttftMs,
                latencyMs,
                startedAt,
                completedAt,
                routing,
                images,
                prices,
                null,
                null);
    }

    /** An event without a routing decision (written before routing was recorded, or by tests). */
    public UsageV1(
            String generationId,
            int sequence,
            boolean isFinal,
            String accountId,
            String keyId,
            String holdId,
            String requestedModel,
            String model,
            String provider,
            String upstreamModel,
            String status,
            String finishReason,
            String errorClass,
            boolean streamed,
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            String usageSource,
            long estimatedCostNanos,
            List<Attempt> attempts,
            Long ttftMs,
            long latencyMs,
            Instant startedAt,
            Instant completedAt) {
        this(
                generationId,
                sequence,
                isFinal,
                accountId,
                keyId,
                holdId,
                requestedModel,
                model,
                provider,
                upstreamModel,
                status,
                finishReason,
                errorClass,
                streamed,
                promptTokens,
                completionTokens,
                cachedPromptTokens,
                reasoningTokens,
                usageSource,
                estimatedCostNanos,
                attempts,
                ttftMs,
                latencyMs,
                startedAt,
                completedAt,
                null,
                0,
                null,
                null,
                null);
    }

    /** The event id: stable for a given generation and sequence. */
    public String eventId() {
        return generationId + ":" + sequence;
    }

    /**
     * Usage a generation's earlier events billed, cumulatively: tokens, input images and the router's
     * estimate of their cost (what billing subtracts when an event carries no prices).
     */
    public record Billed(
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            int images,
            long estimatedCostNanos) {}

    /**
     * An endpoint's prices as the catalog states them: per token in pico-USD (1e-12), per request and
     * per input image in nano-USD.
     */
    public record Prices(
            long promptPico,
            long completionPico,
            long cachedPromptPico,
            long reasoningPico,
            long requestNanos,
            long imageNanos) {}

    /**
     * Switchboard's count of a request's tokens: the prompt as counted before routing (chat framing
     * included), the output as the client received it.
     */
    public record Counted(int promptTokens, int completionTokens) {}

    /**
     * Who the request came from, as the client said: its app ({@code HTTP-Referer} and
     * {@code X-Title}, OpenRouter's attribution headers) and its end user (the OpenAI {@code user}
     * field). Each null when not sent; null as a whole when none was.
     */
    public record App(String referer, String title, String user) {

        /** Null when nothing was sent. */
        public static App of(String referer, String title, String user) {
            return referer == null && title == null && user == null ? null : new App(referer, title, user);
        }
    }

    /** One try against one provider. {@code outcome} is {@code success} or a normalized error class. */
    public record Attempt(String provider, String model, String outcome, Integer httpStatus, long latencyMs) {}
}
