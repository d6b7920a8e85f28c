package dev.switchboard.edge.dialect;

import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.Usage;

import java.util.Map;

/**
 * How one client dialect writes the router's events: as a stream of server-sent events, or as
 * one body. One instance per request; not thread-safe.
 *
 * <p>Streaming: {@link #streamStart()} once when the stream opens, then {@link #delta} /
 * {@link #finish} per event, then {@link #streamEnd} (success) or {@link #streamError} (failure
 * after the stream opened). Not streaming: {@link #aggregate} / {@link #finished}, then
 * {@link #complete}. Errors before anything was sent are a status and {@link #errorBody}.
 */
public interface ResponseDialect {

    /** The provider and model serving the request (the last routing decision wins). */
    void routed(RouteEvent.Routed routed);

    String model();

    String provider();

    byte[] streamStart();

    byte[] delta(RouteEvent.Delta delta);

    byte[] finish(RouteEvent.Finished finished);

    byte[] streamEnd(Usage usage);

    byte[] streamError(int status, String message);

    void aggregate(RouteEvent.Delta delta);

    void finished(RouteEvent.Finished finished);

    byte[] complete(Usage usage);

    byte[] errorBody(int status, String message, Map<String, Object> metadata);

    /** A comment line that keeps an idle stream open through proxies. */
    default byte[] keepAlive() {
        return ": SWITCHBOARD PROCESSING\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
