package dev.switchboard.router.stream;

import dev.switchboard.catalog.Pricing;
import dev.switchboard.events.UsageV1;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.router.routing.Candidate;
import dev.switchboard.router.routing.RoutePlanner;
import dev.switchboard.router.usage.UsageEvents;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.EmbeddingRequest;
import dev.switchboard.wire.EmbeddingResult;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.Usage;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One embeddings request: the candidates in plan order, each tried once, moving on at once after a
 * failure another provider may not have ({@link FallbackPolicy}, without retry rounds: an
 * embedding is cheap to ask again); attempts keep the same health and breaker books as chat
 * ({@link AttemptLog}); one usage event (prompt tokens only) whatever the outcome.
 */
final class EmbeddingExecution {

    private final Dispatcher d;
    private final EmbeddingRequest.Routed routed;
    private final Context trace;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final AttemptLog attempts;
    private final Promise<EmbeddingResult> result = Promise.promise();
    private List<Candidate> candidates;
    private int promptTokens;

    EmbeddingExecution(Dispatcher d, EmbeddingRequest.Routed routed, Context trace) {
        this.d = d;
        this.routed = routed;
        this.trace = trace;
        this.attempts = new AttemptLog(d.metrics, d.passive, d.breakers);
    }

    Future<EmbeddingResult> start() {
        EmbeddingRequest request = routed.request();
        // plan as for a chat request made of the inputs (same health, exclusions and context checks)
        List<ChatMessage> asMessages = request.inputs().stream()
                .map(t -> ChatMessage.text(ChatMessage.Role.USER, t))
                .toList();
        ChatRequest planView = new ChatRequest(
                request.models(), asMessages, null, null, null, null, null, null, false, request.user(), null);
        promptTokens = request.inputs().stream()
                .mapToInt(t -> d.tokens.count(request.models().getFirst(), t))
                .sum();
        RoutePlanner.Plan plan =
                d.planner.plan(planView, promptTokens, routed.auth().preferences());
        candidates = plan.candidates();
        if (candidates.isEmpty()) {
            finish(
                    null,
                    null,
                    new UpstreamFailure(ErrorClass.NO_PROVIDER, "No provider can serve this request", null),
                    plan.rejected());
        } else {
            attempt(0);
        }
        return result.future();
    }

    private void attempt(int index) {
        Candidate candidate = candidates.get(index);
        ProviderAdapter adapter = d.adapters
                .forFamily(candidate.provider().family())
                .filter(ProviderAdapter::embeds)
                .orElse(null);
        String credential =
                d.credentials.credential(candidate.provider().credential()).orElse(null);
        long start = System.nanoTime();
        if (adapter == null || credential == null) {
            failed(
                    index,
                    candidate,
                    start,
                    new UpstreamFailure(
                            ErrorClass.UPSTREAM,
                            candidate.provider().name()
                                    + (adapter == null ? ": no embeddings adapter" : ": no credential configured"),
                            null));
            return;
        }
        UpstreamRequest upstream = adapter.toEmbeddings(
                candidate.provider(),
                candidate.endpoint(),
                routed.request().inputs(),
                routed.request().dimensions(),
                credential);
        d.rateLimits.sent(candidate.provider());
        d.http.request(UpstreamAttempt.options(d, upstream))
                .compose(req -> req.send(Buffer.buffer(upstream.body())))
                .compose(resp ->
                        resp.body().map(body -> new Answer(resp.statusCode(), resp::getHeader, body.getBytes())))
                .onSuccess(answer -> {
                    int status = answer.status();
                    byte[] body = answer.body();
                    if (status < 200 || status >= 300) {
                        failed(index, candidate, start, adapter.classifyError(status, answer.headers(), body));
                        return;
                    }
                    try {
                        ProviderAdapter.Embeddings embeddings = adapter.readEmbeddings(
                                body, routed.request().inputs().size());
                        long latency = (System.nanoTime() - start) / 1_000_000;
                        attempts.succeeded(candidate, status, latency, latency);
                        finish(candidate, embeddings, null, List.of());
                    } catch (UpstreamFailure failure) {
                        failed(index, candidate, start, failure);
                    }
                })
                .onFailure(error -> failed(index, candidate, start, UpstreamAttempt.classify(error, false)));
    }

    private void failed(int index, Candidate candidate, long start, UpstreamFailure failure) {
        attempts.failed(candidate, failure.errorClass(), failure.httpStatus(), (System.nanoTime() - start) / 1_000_000);
        FallbackPolicy.Decision next = d.embeddingFallback.afterFailure(
                failure.errorClass(),
                failure.retryAfterMillis(),
                index,
                candidates.size(),
                0,
                System.nanoTime() - startNanos);
        if (next instanceof FallbackPolicy.Next another) {
            attempt(another.index());
        } else {
            finish(candidate, null, failure, List.of());
        }
    }

    private void finish(
            Candidate candidate, ProviderAdapter.Embeddings embeddings, UpstreamFailure failure, List<String> reasons) {
        Usage usage;
        if (embeddings != null) {
            int tokens = embeddings.promptTokens() != null ? embeddings.promptTokens() : promptTokens;
            usage = new Usage(
                    tokens,
                    0,
                    0,
                    0,
                    Pricing.costNanos(candidate.endpoint().prices(), tokens, 0, 0, 0),
                    embeddings.promptTokens() != null ? Usage.SOURCE_PROVIDER : Usage.SOURCE_ESTIMATED);
            d.rateLimits.used(candidate.provider(), tokens);
            result.complete(new EmbeddingResult(
                    candidate.provider().name(), candidate.endpoint().model(), embeddings.vectors(), usage, null));
        } else {
            usage = new Usage(0, 0, 0, 0, 0, Usage.SOURCE_ESTIMATED);
            result.complete(EmbeddingResult.failed(
                    new RouteEvent.Failed(failure.errorClass(), failure.getMessage(), usage, reasons)));
        }
        String status = embeddings != null ? "success" : "error";
        UsageEvents.Outcome outcome = new UsageEvents.Outcome(
                status,
                null,
                failure == null ? null : failure.errorClass(),
                usage,
                attempts.attempts(),
                startedAt,
                Instant.now(),
                candidate == null ? null : new UsageV1.Counted(promptTokens, 0));
        UsageV1 event = UsageEvents.embedding(
                routed.generationId(),
                routed.auth(),
                routed.request().models().getFirst(),
                candidate,
                outcome,
                UsageEvents.app(routed));
        d.usage.publish(event, trace);
        d.credit.finish(routed.auth().holdId(), UsageEvents.holdCost(event));
        d.metrics.request(
                status,
                candidate == null ? null : candidate.provider().name(),
                Duration.ofMillis(outcome.latencyMs()),
                null);
    }

    private record Answer(int status, ProviderAdapter.Headers headers, byte[] body) {}
}
