package dev.switchboard.router.stream;

import dev.switchboard.catalog.Pricing;
import dev.switchboard.events.UsageV1;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.router.health.ProviderState;
import dev.switchboard.router.routing.Candidate;
import dev.switchboard.router.routing.RoutePlanner;
import dev.switchboard.router.routing.StickyRoutes;
import dev.switchboard.router.usage.InterimUsage;
import dev.switchboard.router.usage.UsageCount;
import dev.switchboard.router.usage.UsageEvents;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.Usage;
import io.opentelemetry.context.Context;
import io.vertx.core.http.HttpClientResponse;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One chat request through the router, as a small state machine: plan, then one
 * {@link UpstreamAttempt} at a time over the candidates, streaming the first answer that starts,
 * and exactly one terminal event and one usage event at the end. The decisions are elsewhere:
 * what follows a failure is {@link FallbackPolicy}'s, the books of each attempt are
 * {@link AttemptLog}'s, the credit hold is watched by {@link CreditMeter}, sticky ordering is
 * {@link StickyRoutes}', what was consumed is counted by {@link UsageCount} and the usage event is
 * built by {@link UsageEvents}.
 *
 * <p>Fallback: a retryable failure before the first output token moves to the next candidate at
 * once. After the first token a failure ends the stream with a {@code Failed} event; it is never
 * reported as success.
 *
 * <p>Threading: created and driven on the event loop of the edge's request; every callback
 * (upstream response, timers, auth-service answers) runs on that same context, so no field needs
 * synchronisation.
 */
public final class RouteExecution implements UpstreamAttempt.Listener {

    private static final Logger LOG = Logger.getLogger(RouteExecution.class);

    private final Dispatcher d;
    private final RouteRequest routeRequest;
    /** The client's attribution, the same on every usage event of this request. */
    private final UsageV1.App app;

    private final ChatRequest request;
    private final EventSink sink;
    private final Context trace;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final AttemptLog attempts;
    private final CreditMeter meter;
    private final InterimUsage interim;
    private final java.util.function.Consumer<String> creditRanOut = this::creditRanOut;
    /** Input images of the request: a per-image fee applies to them once, like the per-request fee. */
    private final int images;

    private StickyRoutes.Order order;
    private int promptTokens;
    private int index;
    private UpstreamAttempt attempt;
    /** Retry rounds started after every candidate failed. */
    private int retryRound;
    /** When the last attempt failed and the next candidate was started (for the fallback timer), or -1. */
    private long fallbackFromNanos = -1;

    private Long ttftMs;
    private String finishReason;
    private boolean ended;
    private boolean cancelled;

    RouteExecution(Dispatcher dispatcher, RouteRequest routeRequest, EventSink sink, Context trace) {
        this.d = dispatcher;
        this.routeRequest = routeRequest;
        this.app = UsageEvents.app(routeRequest);
        this.request = routeRequest.request();
        this.images = request.inputImages();
        this.sink = sink;
        this.trace = trace;
        this.attempts = new AttemptLog(dispatcher.metrics, dispatcher.passive, dispatcher.breakers);
        this.meter = new CreditMeter(
                dispatcher.tokens,
                dispatcher.credit::extend,
                dispatcher.config.credit(),
                routeRequest.auth().holdId(),
                routeRequest.auth().holdNanos());
        // a client that did not ask for a stream receives the answer whole or not at all, so only a
        // stream has usage to bill before its end
        this.interim = new InterimUsage(
                request.stream() ? dispatcher.config.usage().interimInterval() : Duration.ZERO, startNanos);
    }

    void start() {
        promptTokens = d.tokens.countPrompt(request.primaryModel(), request.messages());
        RoutePlanner.Plan plan =
                d.planner.plan(request, promptTokens, routeRequest.auth().preferences());
        order = d.sticky.order(
                routeRequest.auth().accountId(),
                request,
                plan.candidates(),
                plan.strategy(),
                provider -> d.health.state(provider) != ProviderState.DEGRADED);
        if (order.candidates().isEmpty()) {
            fail(ErrorClass.NO_PROVIDER, "No provider can serve this request", plan.rejected());
            return;
        }
        attempt(0);
    }

    /** The edge went away: stop the upstream call and account for what was produced. */
    public void cancel() {
        if (ended) {
            return;
        }
        cancelled = true;
        if (attempt != null) {
            attempt.abort();
        }
        finish("cancelled", null, null);
    }

    private void attempt(int next) {
        if (ended) {
            return;
        }
        index = next;
        attempt = new UpstreamAttempt(d, order.candidates().get(next), request, this);
        attempt.start();
    }

    private Candidate active() {
        return attempt == null ? null : attempt.candidate();
    }

    // ---- what the attempt reports -----------------------------------------------------------------

    @Override
    public void sending() {
        if (fallbackFromNanos >= 0) {
            d.metrics.fallback(System.nanoTime() - fallbackFromNanos);
            fallbackFromNanos = -1;
        }
    }

    @Override
    public void started(UpstreamAttempt started) {
        Candidate active = started.candidate();
        emit(new RouteEvent.Routed(
                active.provider().name(),
                active.endpoint().model(),
                active.endpoint().upstreamModel(),
                index + 1,
                active.provider().family(),
                order.strategy()));
    }

    @Override
    public void event(RouteEvent event) {
        if (ended) {
            return;
        }
        switch (event) {
            case RouteEvent.Delta delta -> {
                if (ttftMs == null) {
                    ttftMs = (System.nanoTime() - startNanos) / 1_000_000;
                }
                Candidate active = active();
                meter.count(active.endpoint().model(), delta);
                emit(delta);
                meter.watch(active.endpoint(), promptTokens, images, attempt, creditRanOut);
                publishInterim(active);
            }
            case RouteEvent.Finished finished -> {
                finishReason = finished.reason();
                emit(finished);
            }
            default -> emit(event);
        }
    }

    @Override
    public void completed(int httpStatus) {
        if (ended) {
            return;
        }
        attempts.answered(attempt, httpStatus, usage().completionTokens());
        Candidate active = active();
        if (order.key() != null && active.endpoint().model().equals(request.primaryModel())) {
            d.sticky.served(order.key(), active.provider().name());
        }
        finish("success", null, null);
    }

    @Override
    public void failed(UpstreamFailure failure) {
        if (ended) {
            return;
        }
        attempts.failed(active(), failure.errorClass(), failure.httpStatus(), attempt.elapsedMs());
        if (outputStarted()) {
            fail(failure.errorClass(), failure.getMessage(), List.of());
            return;
        }
        LOG.debugf(
                "generation %s: %s failed (%s), attempt %d of %d",
                routeRequest.generationId(),
                active().provider().name(),
                failure.errorClass(),
                index + 1,
                order.candidates().size());
        if (cancelled) {
            return;
        }
        FallbackPolicy.Decision next = d.fallback.afterFailure(
                failure.errorClass(),
                failure.retryAfterMillis(),
                index,
                order.candidates().size(),
                retryRound,
                System.nanoTime() - startNanos);
        switch (next) {
            case FallbackPolicy.Next another -> {
                fallbackFromNanos = System.nanoTime();
                attempt(another.index());
            }
            case FallbackPolicy.Retry retry -> {
                retryRound = retry.round();
                LOG.debugf(
                        "generation %s: every candidate failed (%s); retry round %d in %d ms",
                        routeRequest.generationId(), failure.errorClass(), retryRound, retry.delayMillis());
                d.vertx.setTimer(retry.delayMillis(), t -> attempt(0));
            }
            case FallbackPolicy.Fail end -> fail(failure.errorClass(), failure.getMessage(), List.of());
        }
    }

    /** The credit meter ends the answer: what was held is used up and no more was granted. */
    private void creditRanOut(String reason) {
        if (ended) {
            return;
        }
        attempts.answered(attempt, 200, -1);
        // end first: the abort below must find the execution over, not report a provider failure
        fail(ErrorClass.INSUFFICIENT_CREDIT, reason, List.of());
        attempt.abort();
    }

    // ---- books ----------------------------------------------------------------------------------

    private boolean outputStarted() {
        return ttftMs != null;
    }

    private void fail(ErrorClass errorClass, String message, List<String> reasons) {
        finish("error", errorClass, new RouteEvent.Failed(errorClass, message, null, reasons));
    }

    /** The single exit: terminal event to the edge (unless it left), usage event to Kafka, the hold finished. */
    private void finish(String status, ErrorClass errorClass, RouteEvent.Failed failure) {
        if (ended) {
            return;
        }
        ended = true;
        meter.close();
        Candidate active = active();
        Usage usage = usage();
        if (active != null) {
            d.rateLimits.used(active.provider(), (long) usage.promptTokens() + usage.completionTokens());
        }
        if (!cancelled) {
            emit(
                    failure == null
                            ? new RouteEvent.Completed(usage)
                            : new RouteEvent.Failed(failure.errorClass(), failure.message(), usage, failure.reasons()));
            sink.end();
        }
        // a provider's usage is set beside the count the credit meter kept while the output streamed
        UsageV1.Counted counted = UsageCount.counted(
                active == null ? null : active.endpoint(), usage, promptTokens, meter::completionTokens);
        if (active != null) {
            d.metrics.usageDivergence(active.provider().name(), usage, counted);
        }
        UsageEvents.Outcome outcome = new UsageEvents.Outcome(
                status, finishReason, errorClass, usage, attempts.attempts(), startedAt, Instant.now(), counted);
        UsageV1 event = UsageEvents.chat(
                routeRequest.generationId(),
                routeRequest.auth(),
                request.primaryModel(),
                request.stream(),
                active,
                outcome,
                ttftMs,
                order == null ? null : order.strategy(),
                images,
                interim.billedBefore(),
                app);
        d.usage.publish(event, trace);
        // the rest of the hold is free again now, not when the charge comes back through billing
        d.credit.finish(routeRequest.auth().holdId(), UsageEvents.holdCost(event));
        d.metrics.request(
                status,
                active == null ? null : active.provider().name(),
                Duration.ofMillis(outcome.latencyMs()),
                ttftMs);
    }

    /** A long stream's usage so far, when an interim event is due ({@link InterimUsage}). */
    private void publishInterim(Candidate active) {
        int completion = meter.completionTokens();
        InterimUsage.Interim due = interim.due(
                System.nanoTime(),
                promptTokens,
                completion,
                images,
                () -> Pricing.costNanos(active.endpoint().prices(), promptTokens, completion, 0, 0, images));
        if (due != null) {
            d.usage.publish(
                    UsageEvents.interim(
                            routeRequest.generationId(),
                            routeRequest.auth(),
                            request.primaryModel(),
                            request.stream(),
                            active,
                            due,
                            attempts.attempts(),
                            startedAt,
                            ttftMs,
                            order.strategy(),
                            app),
                    trace);
        }
    }

    /** What the request consumed and costs ({@link UsageCount}). */
    private Usage usage() {
        Candidate active = active();
        return UsageCount.of(
                active == null ? null : active.endpoint(),
                attempt == null ? null : attempt.translator(),
                outputStarted(),
                cancelled,
                promptTokens,
                () -> d.tokens.count(active.endpoint().model(), meter.output()),
                images);
    }

    private void emit(RouteEvent event) {
        if (cancelled) {
            return;
        }
        sink.emit(event);
        HttpClientResponse upstream = attempt == null ? null : attempt.response();
        if (!sink.writable() && upstream != null && !ended) {
            upstream.pause();
            sink.onDrain(upstream::resume);
        }
    }
}
