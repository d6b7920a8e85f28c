package dev.switchboard.router.stream;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.wire.HoldExtension;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import io.vertx.core.Future;

import java.util.function.Consumer;

/**
 * Meters one answer against its credit hold as it streams:
 * <ul>
 *   <li>counts the output tokens of every delta (jtokkit), keeping the text for the final estimate;</li>
 *   <li>once the running cost passes {@code extend-at} of the hold (0.8), asks auth-service for more,
 *       one extension at a time, while the answer goes on streaming;</li>
 *   <li>when the running cost reaches the hold itself while the extension is still pending, pauses
 *       the provider's stream until auth-service answers;</li>
 *   <li>when auth-service refuses (or cannot be reached), the answer goes on until its output has used
 *       up what is held, then it ends for lack of credit: never earlier. The client may receive up to
 *       one provider chunk past the hold (the chunk that reaches it), which is what is charged.</li>
 * </ul>
 * A request without a hold (the edge's auth-outage grace) is bounded by the edge, not here.
 * Not thread-safe: one request's event loop.
 */
final class CreditMeter {

    /** auth-service's hold extension ({@code CreditClient.extend}). */
    @FunctionalInterface
    interface Extender {
        Future<HoldExtension> extend(String holdId, long nanos);
    }

    /** The provider's stream, as far as the meter holds it back. */
    interface Flow {
        void pause();

        void resume();
    }

    private final TokenCounter tokens;
    private final Extender credit;
    private final RouterConfig.Credit config;
    private final String holdId;
    private final long firstHoldNanos;
    private final StringBuilder output = new StringBuilder();
    private long holdNanos;
    private int completionTokens;
    private boolean extending;
    /** Why the last extension failed; then no other is asked for. */
    private String refusal;

    private Flow paused;
    private Consumer<String> cutWhilePaused;
    private boolean closed;

    CreditMeter(TokenCounter tokens, Extender credit, RouterConfig.Credit config, String holdId, long holdNanos) {
        this.tokens = tokens;
        this.credit = credit;
        this.config = config;
        this.holdId = holdId;
        this.firstHoldNanos = holdNanos;
        this.holdNanos = holdNanos;
    }

    /** Counts the output of {@code delta} (text, reasoning, tool-call names and arguments) for {@code model}. */
    void count(String model, RouteEvent.Delta delta) {
        count(model, delta.content());
        count(model, delta.reasoning());
        for (ToolCallDelta call : delta.toolCalls()) {
            count(model, call.name());
            count(model, call.arguments());
        }
    }

    private void count(String model, String piece) {
        if (piece != null && !piece.isEmpty()) {
            output.append(piece);
            completionTokens += tokens.count(model, piece);
        }
    }

    /** Output tokens counted so far. */
    int completionTokens() {
        return completionTokens;
    }

    /** The output so far, for the final count when the provider reports none. */
    String output() {
        return output.toString();
    }

    /**
     * After a delta was passed on: the running cost against the hold.
     *
     * @param stream the provider's stream, paused while an extension the answer needs is pending
     * @param cut    called (now, or when auth-service answers) with the reason when the answer must end
     *               for lack of credit
     */
    void watch(EndpointSpec endpoint, int promptTokens, int images, Flow stream, Consumer<String> cut) {
        if (holdId == null || closed) {
            return;
        }
        long running = Pricing.costNanos(endpoint.prices(), promptTokens, completionTokens, 0, 0, images);
        if (running >= holdNanos) {
            if (refusal != null) {
                cut.accept(refusal);
                return;
            }
            if (extending && paused == null) {
                paused = stream;
                cutWhilePaused = cut;
                stream.pause();
                return;
            }
        }
        if (extending || refusal != null || running < holdNanos * config.extendAt()) {
            return;
        }
        extending = true;
        long step = Math.max(firstHoldNanos, config.minExtensionNanos());
        credit.extend(holdId, step).onComplete(result -> {
            extending = false;
            if (closed) {
                return;
            }
            Flow waiting = paused;
            Consumer<String> cutWaiting = cutWhilePaused;
            paused = null;
            cutWhilePaused = null;
            if (result.succeeded()) {
                holdNanos = result.result().holdNanos();
                if (waiting != null) {
                    waiting.resume();
                }
                return;
            }
            refusal = "Credit ran out during the answer: " + result.cause().getMessage();
            if (waiting != null) {
                // it stopped at the hold: what is held is used up
                cutWaiting.accept(refusal);
            }
        });
    }

    /** The request ended: a late answer from auth-service changes nothing. */
    void close() {
        closed = true;
    }
}
