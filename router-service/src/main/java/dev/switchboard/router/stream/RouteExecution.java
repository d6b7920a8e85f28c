package dev.switchboard.router.stream;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.events.UsageV1;
import dev.switchboard.providers.framing.FrameDecoder;
import dev.switchboard.router.health.ProviderState;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.router.routing.Candidate;
import dev.switchboard.router.routing.RoutePlanner;
import dev.switchboard.router.routing.StickyRoutes;
import dev.switchboard.router.usage.UsagePublisher;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;
import io.opentelemetry.context.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One request through the router: tries the planned candidates in order, streams the first
 * answer that starts, and ends with exactly one terminal event and one usage event.
 *
 * <p>Fallback: a retryable failure (429, 5xx, timeout, connection failure, malformed stream)
 * before the first output token moves to the next candidate at once. After the first token a
 * failure ends the stream with a {@code Failed} event; it is never reported as success.
 *
 * <p>Threading: created and driven on the event loop of the edge's request; every callback
 * (upstream response, timers) runs on that same context, so no field needs synchronisation.
 */
public final class RouteExecution {

    private static final Logger LOG = Logger.getLogger(RouteExecution.class);
    private static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final Dispatcher d;
    private final RouteRequest routeRequest;
    private final ChatRequest request;
    private final EventSink sink;
    private final Context trace;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final AttemptLog attempts;
    private final StringBuilder output = new StringBuilder();

    private List<Candidate> candidates = List.of();
    /** The routing strategy that ordered the candidates, for the usage event. */
    private String strategy;
    private int promptTokens;
    /** Input images of the request: a per-image fee applies to them once, like the per-request fee. */
    private final int images;
    private Candidate active;
    private StreamTranslator translator;
    private HttpClientRequest upstreamRequest;
    private HttpClientResponse upstreamResponse;
    private long attemptStartNanos;
    private long attemptFirstTokenMs = -1;
    private long totalTimer = -1;
    private boolean timedOut;
    private boolean outputStarted;
    private Long ttftMs;
    private String finishReason;
    private boolean ended;
    private boolean cancelled;
    private long holdNanos;
    private int completionSoFar;
    private boolean extending;
    /** Retry rounds started after every candidate failed. */
    private int retryRound;
    /** When the last attempt failed and the next candidate was started (for the fallback timer), or -1. */
    private long fallbackFromNanos = -1;
    /** The conversation's sticky-routing key, when the default draw applies. */
    private Long stickyKey;

    RouteExecution(Dispatcher dispatcher, RouteRequest routeRequest, EventSink sink, Context trace) {
        this.d = dispatcher;
        this.routeRequest = routeRequest;
        this.request = routeRequest.request();
        this.images = request.inputImages();
        this.sink = sink;
        this.trace = trace;
        this.holdNanos = routeRequest.auth().holdNanos();
        this.attempts = new AttemptLog(dispatcher.metrics, dispatcher.passive, dispatcher.breakers);
    }

    void start() {
        promptTokens = d.tokens.countPrompt(request.primaryModel(), request.messages());
        RoutePlanner.Plan plan = d.planner.plan(request, promptTokens, routeRequest.auth().preferences());
        candidates = plan.candidates();
        strategy = plan.strategy();
        if (candidates.isEmpty()) {
            fail(ErrorClass.NO_PROVIDER, "No provider can serve this request", plan.rejected());
            return;
        }
        stickToLastProvider();
        attempt(0);
    }

    /**
     * Under the default draw (no sort, no explicit order), a conversation goes back to the provider
     * that last served it while that provider is healthy: its prompt cache is warm there.
     */
    private void stickToLastProvider() {
        if (!d.sticky.enabled() || !RoutePlanner.WEIGHTED.equals(strategy) || !request.routing().order().isEmpty() || candidates.size() < 2) {
            return;
        }
        stickyKey = StickyRoutes.key(routeRequest.auth().accountId(), request);
        String provider = d.sticky.provider(stickyKey);
        if (provider == null || d.health.state(provider) == ProviderState.DEGRADED) {
            return;
        }
        for (int i = 0; i < candidates.size(); i++) {
            Candidate candidate = candidates.get(i);
            if (candidate.provider().name().equals(provider) && candidate.endpoint().model().equals(request.primaryModel())) {
                List<Candidate> reordered = new ArrayList<>(candidates);
                reordered.add(0, reordered.remove(i));
                candidates = reordered;
                strategy = RoutePlanner.STICKY;
                return;
            }
        }
    }

    /** The edge went away: stop the upstream call and account for what was produced. */
    public void cancel() {
        if (ended) {
            return;
        }
        cancelled = true;
        if (upstreamRequest != null) {
            upstreamRequest.reset();
        }
        finish("cancelled", null, null);
    }

    private void attempt(int index) {
        if (ended) {
            return;
        }
        Candidate candidate = candidates.get(index);
        active = candidate;
        translator = null;
        timedOut = false;
        attemptStartNanos = System.nanoTime();
        attemptFirstTokenMs = -1;
        ProviderAdapter adapter = d.adapters.forFamily(candidate.provider().family()).orElse(null);
        String credential = d.credentials.credential(candidate.provider().credential()).orElse(null);
        if (adapter == null || credential == null) {
            String why = adapter == null ? "no adapter for family " + candidate.provider().family() : "no credential configured";
            onAttemptFailed(index, new UpstreamFailure(ErrorClass.UPSTREAM, candidate.provider().name() + ": " + why, null));
            return;
        }
        EndpointSpec endpoint = candidate.endpoint();
        int maxTokens = request.maxTokens() == null ? endpoint.maxOutputTokens() : Math.min(request.maxTokens(), endpoint.maxOutputTokens());
        UpstreamRequest upstream;
        try {
            upstream = adapter.toUpstream(candidate.provider(), endpoint, request, maxTokens, credential);
        } catch (UpstreamFailure failure) {
            // the request cannot be said in this provider's protocol (a malformed tool call, say)
            onAttemptFailed(index, failure);
            return;
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(upstream.url())
                .setIdleTimeout(d.config.upstream().idleTimeout().toMillis());
        upstream.headers().forEach(options::putHeader);
        d.rateLimits.sent(candidate.provider());
        totalTimer = d.vertx.setTimer(d.config.upstream().totalTimeout().toMillis(), t -> {
            timedOut = true;
            if (upstreamRequest != null) {
                upstreamRequest.reset();
            }
        });
        d.http.request(options)
                .compose(req -> {
                    upstreamRequest = req;
                    if (fallbackFromNanos >= 0) {
                        d.metrics.fallback(System.nanoTime() - fallbackFromNanos);
                        fallbackFromNanos = -1;
                    }
                    return req.send(Buffer.buffer(upstream.body()));
                })
                .onSuccess(response -> onResponse(index, adapter, response))
                .onFailure(error -> onAttemptFailed(index, classify(error)));
    }

    private void onResponse(int index, ProviderAdapter adapter, HttpClientResponse response) {
        if (ended) {
            return;
        }
        upstreamResponse = response;
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            ProviderAdapter.Headers headers = response::getHeader;
            Long retryAfter = UpstreamFailure.parseRetryAfter(response.getHeader("Retry-After"), System.currentTimeMillis());
            response.body()
                    .onSuccess(body -> onAttemptFailed(index, withRetryAfter(adapter.classifyError(status, headers, body.getBytes()), retryAfter)))
                    .onFailure(error -> onAttemptFailed(index, withRetryAfter(adapter.classifyError(status, headers, new byte[0]), retryAfter)));
            return;
        }
        translator = adapter.newTranslator(active.provider(), active.endpoint(), request);
        emit(new RouteEvent.Routed(active.provider().name(), active.endpoint().model(), active.endpoint().upstreamModel(), index + 1,
                active.provider().family(), strategy));
        FrameDecoder parser = FrameDecoder.of(adapter.framing(), this::onUpstreamEvent, MAX_EVENT_BYTES);
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (UpstreamFailure failure) {
                streamFailed(index, failure);
            } catch (RuntimeException e) {
                streamFailed(index, UpstreamFailure.malformed(e.getMessage()));
            }
        });
        response.exceptionHandler(error -> streamFailed(index, classify(error)));
        response.endHandler(v -> {
            if (ended) {
                return;
            }
            try {
                parser.end();
            } catch (RuntimeException e) {
                streamFailed(index, e instanceof UpstreamFailure f ? f : UpstreamFailure.malformed(e.getMessage()));
                return;
            }
            if (ended) {
                return;
            }
            if (translator.completed()) {
                recordSuccess(status);
                recordThroughput();
                if (stickyKey != null && active.endpoint().model().equals(request.primaryModel())) {
                    d.sticky.served(stickyKey, active.provider().name());
                }
                finish("success", null, null);
            } else {
                streamFailed(index, UpstreamFailure.malformed("stream ended before the provider finished"));
            }
        });
    }

    private void onUpstreamEvent(String event, byte[] data, int offset, int length) {
        if (ended) {
            return;
        }
        for (RouteEvent routeEvent : translator.onEvent(event, data, offset, length)) {
            switch (routeEvent) {
                case RouteEvent.Delta delta -> {
                    if (!outputStarted) {
                        outputStarted = true;
                        ttftMs = (System.nanoTime() - startNanos) / 1_000_000;
                        attemptFirstTokenMs = (System.nanoTime() - attemptStartNanos) / 1_000_000;
                    }
                    appendOutput(delta);
                    emit(delta);
                    watchCredit();
                }
                case RouteEvent.Finished finished -> {
                    finishReason = finished.reason();
                    emit(finished);
                }
                default -> emit(routeEvent);
            }
        }
    }

    private void appendOutput(RouteEvent.Delta delta) {
        appendOutput(delta.content());
        appendOutput(delta.reasoning());
        for (ToolCallDelta call : delta.toolCalls()) {
            appendOutput(call.name());
            appendOutput(call.arguments());
        }
    }

    private void appendOutput(String piece) {
        if (piece != null && !piece.isEmpty()) {
            output.append(piece);
            completionSoFar += d.tokens.count(active.endpoint().model(), piece);
        }
    }

    /**
     * Keeps the running cost under the credit hold: past the extension threshold the provider's
     * stream is paused while auth-service extends the hold; if it refuses, the stream ends with an
     * insufficient-credit error. Requests without a hold (the edge's auth-outage grace) are bounded
     * by the edge instead.
     */
    private void watchCredit() {
        String holdId = routeRequest.auth().holdId();
        if (holdId == null || extending || ended) {
            return;
        }
        long running = Pricing.costNanos(active.endpoint().prices(), promptTokens, completionSoFar, 0, 0, images);
        if (running < holdNanos * d.config.credit().extendAt()) {
            return;
        }
        extending = true;
        HttpClientResponse paused = upstreamResponse;
        if (paused != null) {
            paused.pause();
        }
        long step = Math.max(routeRequest.auth().holdNanos(), d.config.credit().minExtensionNanos());
        d.credit.extend(holdId, step).onComplete(result -> {
            extending = false;
            if (ended) {
                return;
            }
            if (result.succeeded()) {
                holdNanos = result.result().holdNanos();
                if (paused != null) {
                    paused.resume();
                }
                return;
            }
            recordSuccess(200);
            // end first: the reset below must find the execution over, not report a provider failure
            fail(ErrorClass.INSUFFICIENT_CREDIT, "Credit ran out during the answer: " + result.cause().getMessage(), List.of());
            if (upstreamRequest != null) {
                upstreamRequest.reset();
            }
        });
    }

    /** A failure while the answer streams: fall back if nothing reached the client yet, else end with an error. */
    private void streamFailed(int index, UpstreamFailure failure) {
        if (ended) {
            return;
        }
        if (upstreamRequest != null) {
            upstreamRequest.reset();
        }
        if (!outputStarted) {
            onAttemptFailed(index, failure);
            return;
        }
        recordFailure(failure.errorClass(), failure.httpStatus());
        fail(failure.errorClass(), failure.getMessage(), List.of());
    }

    private void onAttemptFailed(int index, UpstreamFailure failure) {
        if (ended) {
            return;
        }
        UpstreamFailure effective = timedOut ? new UpstreamFailure(ErrorClass.TIMEOUT, "provider did not answer in time", null) : failure;
        recordFailure(effective.errorClass(), effective.httpStatus());
        LOG.debugf("generation %s: %s failed (%s), attempt %d of %d", routeRequest.generationId(),
                active.provider().name(), effective.errorClass(), index + 1, candidates.size());
        if (cancelled) {
            return;
        }
        FallbackPolicy.Decision next = d.fallback.afterFailure(effective.errorClass(), effective.retryAfterMillis(), index,
                candidates.size(), retryRound, System.nanoTime() - startNanos);
        switch (next) {
            case FallbackPolicy.Next another -> {
                upstreamResponse = null;
                upstreamRequest = null;
                fallbackFromNanos = System.nanoTime();
                attempt(another.index());
            }
            case FallbackPolicy.Retry retry -> {
                retryRound = retry.round();
                upstreamResponse = null;
                upstreamRequest = null;
                LOG.debugf("generation %s: every candidate failed (%s); retry round %d in %d ms", routeRequest.generationId(),
                        effective.errorClass(), retryRound, retry.delayMillis());
                d.vertx.setTimer(retry.delayMillis(), t -> attempt(0));
            }
            case FallbackPolicy.Fail end -> fail(effective.errorClass(), effective.getMessage(), List.of());
        }
    }

    private static UpstreamFailure withRetryAfter(UpstreamFailure failure, Long retryAfter) {
        return retryAfter == null ? failure : failure.withRetryAfter(retryAfter);
    }

    private void recordSuccess(int httpStatus) {
        cancelTotalTimer();
        long latency = (System.nanoTime() - attemptStartNanos) / 1_000_000;
        attempts.succeeded(active, httpStatus, latency, attemptFirstTokenMs >= 0 ? attemptFirstTokenMs : latency);
    }

    private void recordFailure(ErrorClass failure, Integer httpStatus) {
        cancelTotalTimer();
        attempts.failed(active, failure, httpStatus, (System.nanoTime() - attemptStartNanos) / 1_000_000);
    }

    /** The answer's output tokens over the time they took to stream: the endpoint's throughput, shared through Redis. */
    private void recordThroughput() {
        if (attemptFirstTokenMs < 0) {
            return;
        }
        long generationMs = (System.nanoTime() - attemptStartNanos) / 1_000_000 - attemptFirstTokenMs;
        d.passive.recordThroughput(active.provider().name(), active.endpoint().id(), usage().completionTokens(), generationMs);
    }

    private void fail(ErrorClass errorClass, String message, List<String> reasons) {
        finish("error", errorClass, new RouteEvent.Failed(errorClass, message, null, reasons));
    }

    /** The single exit: terminal event to the edge (unless it left), usage event to Kafka. */
    private void finish(String status, ErrorClass errorClass, RouteEvent.Failed failure) {
        if (ended) {
            return;
        }
        ended = true;
        cancelTotalTimer();
        Usage usage = usage();
        if (active != null) {
            d.rateLimits.used(active.provider(), (long) usage.promptTokens() + usage.completionTokens());
        }
        if (!cancelled) {
            emit(failure == null
                    ? new RouteEvent.Completed(usage)
                    : new RouteEvent.Failed(failure.errorClass(), failure.message(), usage, failure.reasons()));
            sink.end();
        }
        Instant completedAt = Instant.now();
        long latencyMs = Duration.between(startedAt, completedAt).toMillis();
        d.usage.publish(new UsageV1(
                routeRequest.generationId(), 0, true,
                routeRequest.auth().accountId(), routeRequest.auth().keyId(), routeRequest.auth().holdId(),
                request.primaryModel(),
                active == null ? null : active.endpoint().model(),
                active == null ? null : active.provider().name(),
                active == null ? null : active.endpoint().upstreamModel(),
                status, finishReason, errorClass == null ? null : errorClass.name().toLowerCase(java.util.Locale.ROOT),
                request.stream(),
                usage.promptTokens(), usage.completionTokens(), usage.cachedPromptTokens(), usage.reasoningTokens(),
                usage.source(), usage.costNanos(), attempts.attempts(), ttftMs, latencyMs, startedAt, completedAt, strategy,
                active == null ? 0 : images, active == null ? null : UsagePublisher.prices(active.endpoint().prices())), trace);
        // the rest of the hold is free again now, not when the charge comes back through billing
        d.credit.finish(routeRequest.auth().holdId(), usage.costNanos());
        d.metrics.request(status, active == null ? null : active.provider().name(), Duration.ofMillis(latencyMs), ttftMs);
    }

    /**
     * What the request consumed: the provider's own counts when it reported them, else jtokkit's.
     * Nothing is charged when no output was produced and the request did not succeed.
     */
    private Usage usage() {
        boolean succeeded = translator != null && translator.completed() && !cancelled;
        if (active == null || (!outputStarted && !succeeded)) {
            return new Usage(0, 0, 0, 0, 0, Usage.SOURCE_ESTIMATED);
        }
        StreamTranslator.ReportedUsage reported = translator == null ? null : translator.reportedUsage();
        int prompt;
        int completion;
        int cached = 0;
        int reasoning = 0;
        String source;
        if (reported != null && succeeded) {
            prompt = reported.promptTokens();
            completion = reported.completionTokens();
            cached = reported.cachedPromptTokens();
            reasoning = reported.reasoningTokens();
            source = Usage.SOURCE_PROVIDER;
        } else {
            prompt = promptTokens;
            completion = d.tokens.count(active.endpoint().model(), output.toString());
            source = Usage.SOURCE_ESTIMATED;
        }
        long cost = Pricing.costNanos(active.endpoint().prices(), prompt, completion, cached, reasoning, images);
        return new Usage(prompt, completion, cached, reasoning, cost, source);
    }

    private void emit(RouteEvent event) {
        if (cancelled) {
            return;
        }
        sink.emit(event);
        if (!sink.writable() && upstreamResponse != null && !ended) {
            HttpClientResponse paused = upstreamResponse;
            paused.pause();
            sink.onDrain(paused::resume);
        }
    }

    private void cancelTotalTimer() {
        if (totalTimer >= 0) {
            d.vertx.cancelTimer(totalTimer);
            totalTimer = -1;
        }
    }

    private UpstreamFailure classify(Throwable error) {
        if (error instanceof UpstreamFailure failure) {
            return failure;
        }
        if (timedOut || error instanceof TimeoutException || error.getClass().getSimpleName().contains("Timeout")) {
            return new UpstreamFailure(ErrorClass.TIMEOUT, "provider did not answer in time", null);
        }
        if (error instanceof ConnectException) {
            return new UpstreamFailure(ErrorClass.UPSTREAM, "cannot connect to provider", null);
        }
        return new UpstreamFailure(ErrorClass.UPSTREAM, "connection to provider failed: " + error.getMessage(), null);
    }
}
