package dev.switchboard.edge.dialect;

import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.Usage;

import java.nio.charset.StandardCharsets;

/**
 * How one client dialect writes one request's router events: as a stream of server-sent events,
 * or as one body built from the {@link MessageAccumulator}. One instance per request; not
 * thread-safe.
 *
 * <p>Streaming: {@link #streamStart()} once when the stream opens, then {@link #delta} /
 * {@link #finish} per event, then {@link #streamEnd} (success) or {@link #streamError} (failure
 * after the stream opened). Not streaming: {@link #aggregate} / {@link #finished}, then
 * {@link #complete}. Errors before anything was sent are the {@link Dialect}'s error body.
 */
public abstract class ResponseDialect {

    private static final byte[] KEEP_ALIVE = ": SWITCHBOARD PROCESSING\n\n".getBytes(StandardCharsets.US_ASCII);

    protected final MessageAccumulator message = new MessageAccumulator();
    private String model;
    private String provider;

    protected ResponseDialect(String model) {
        this.model = model;
    }

    /** The provider and model serving the request (the last routing decision wins). */
    public void routed(RouteEvent.Routed routed) {
        this.model = routed.model();
        this.provider = routed.provider();
    }

    public final String model() {
        return model;
    }

    /** The provider serving the request; null until the router routed it. */
    public final String provider() {
        return provider;
    }

    public abstract byte[] streamStart();

    public abstract byte[] delta(RouteEvent.Delta delta);

    public abstract byte[] finish(RouteEvent.Finished finished);

    public abstract byte[] streamEnd(Usage usage);

    public abstract byte[] streamError(int status, String message);

    public void aggregate(RouteEvent.Delta delta) {
        message.add(delta);
    }

    public void finished(RouteEvent.Finished finished) {
        message.finish(finished);
    }

    public abstract byte[] complete(Usage usage);

    /** A comment line that keeps an idle stream open through proxies. */
    public byte[] keepAlive() {
        return KEEP_ALIVE;
    }
}
