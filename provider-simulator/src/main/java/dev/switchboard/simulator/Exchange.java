package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One request to a simulated provider, with everything a family needs to answer it: the request,
 * the provider's behaviour and quirks, and the ways to answer (at once, after the time to first
 * token, or streamed through the fault player).
 */
public final class Exchange {

    private final RoutingContext ctx;
    private final Vertx vertx;
    private final String rest;
    private final Family family;
    private final Behaviour behaviour;
    private final Quirks quirks;
    private final Signatures signatures;
    private final long serial;
    private final Runnable failureServed;
    private JsonNode json;
    private boolean closedByFault;

    Exchange(
            RoutingContext ctx,
            Vertx vertx,
            String rest,
            Family family,
            Behaviour behaviour,
            Quirks quirks,
            Signatures signatures,
            long serial,
            Runnable failureServed) {
        this.ctx = ctx;
        this.vertx = vertx;
        this.rest = rest;
        this.family = family;
        this.behaviour = behaviour;
        this.quirks = quirks;
        this.signatures = signatures;
        this.serial = serial;
        this.failureServed = failureServed;
    }

    /** The raw path after {@code /{provider}}. */
    public String rest() {
        return rest;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public Quirks quirks() {
        return quirks;
    }

    public Signatures signatures() {
        return signatures;
    }

    /** A number unique to this exchange within the process, for response ids. */
    public long serial() {
        return serial;
    }

    public HttpServerRequest request() {
        return ctx.request();
    }

    public String header(String name) {
        return ctx.request().getHeader(name);
    }

    public String query(String name) {
        return ctx.request().getParam(name);
    }

    public byte[] body() {
        Buffer body = ctx.body().buffer();
        return body == null ? new byte[0] : body.getBytes();
    }

    /** The body as a JSON object, or null when it is not one (the family answers 400 in its own shape). */
    public ObjectNode json() {
        if (json == null) {
            try {
                json = Json.MAPPER.readTree(body());
            } catch (Exception e) {
                json = Json.MAPPER.missingNode();
            }
            if (json == null) {
                json = Json.MAPPER.missingNode();
            }
        }
        return json.isObject() ? (ObjectNode) json : null;
    }

    /** Answers now: validation and authentication errors, which real providers send without model latency. */
    public void reply(Reply reply) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(reply.status());
        reply.headers().forEach(response::putHeader);
        response.end(reply.body());
    }

    /** Answers after the time to first token, dripped when configured. */
    public void answer(Reply reply) {
        Faults.reply(this, reply);
    }

    /** Streams the frames through the fault player. */
    public void stream(Frames frames) {
        Faults.stream(this, frames);
    }

    /**
     * Serves the injected failure when one is due, in this family's error shape after the time to
     * first token. Families call it after validating the request, as a real provider fails a valid one.
     *
     * @return true when a failure was served and the operation must stop
     */
    public boolean failureInjected() {
        if (!behaviour.failsNow()) {
            return false;
        }
        failureServed.run();
        Reply error = family.error(this, behaviour.failStatus(), null, "simulated failure " + behaviour.failStatus());
        if (behaviour.retryAfterSeconds() > 0) {
            error = error.withHeader("Retry-After", Integer.toString(behaviour.retryAfterSeconds()));
        }
        Reply failure = error;
        vertx.setTimer(Math.max(1, behaviour.ttftMs()), t -> reply(failure));
        return true;
    }

    Vertx vertx() {
        return vertx;
    }

    HttpServerResponse response() {
        return ctx.response();
    }

    /**
     * The reset fault: closes the connection (HTTP/1.x) or resets just this stream (HTTP/2, so other
     * requests multiplexed on the connection live on). Not counted as a caller cancelling.
     */
    void resetConnection() {
        closedByFault = true;
        ctx.response().reset();
    }

    boolean closedByFault() {
        return closedByFault;
    }
}
