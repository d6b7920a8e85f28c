package dev.switchboard.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Plays answers with the provider's {@link Behaviour}: latency, pacing, slow drip, and the stream
 * faults (reset, truncate, malformed event, in-stream error) cutting in after a number of tokens.
 */
final class Faults {

    private Faults() {}

    static void reply(Exchange exchange, Reply reply) {
        Behaviour b = exchange.behaviour();
        exchange.vertx().setTimer(Math.max(1, b.ttftMs()), t -> {
            HttpServerResponse response = exchange.response();
            if (gone(response)) {
                return;
            }
            if (b.dripBytes() <= 0) {
                exchange.reply(reply);
                return;
            }
            response.setStatusCode(reply.status());
            reply.headers().forEach(response::putHeader);
            response.putHeader("Content-Length", Integer.toString(reply.body().length()));
            write(exchange, reply.body(), () -> end(response));
        });
    }

    static void stream(Exchange exchange, Frames frames) {
        exchange.vertx().setTimer(Math.max(1, exchange.behaviour().ttftMs()), t -> {
            HttpServerResponse response = exchange.response();
            if (gone(response)) {
                return;
            }
            response.setChunked(true)
                    .putHeader("Content-Type", frames.contentType())
                    .putHeader("Cache-Control", "no-cache");
            play(exchange, frames, 0, 0);
        });
    }

    /** Sends frame {@code index}; {@code tokens} token frames have been sent before it. */
    private static void play(Exchange exchange, Frames frames, int index, int tokens) {
        HttpServerResponse response = exchange.response();
        if (gone(response)) {
            return;
        }
        if (index == frames.frames().size()) {
            end(response);
            return;
        }
        Frames.Frame frame = frames.frames().get(index);
        int sent = frame.token() ? tokens + 1 : tokens;
        Runnable send = () -> write(exchange, frame.bytes(), () -> {
            if (!frame.token() || !faultAfter(exchange, frames, sent)) {
                play(exchange, frames, index + 1, sent);
            }
        });
        // the first token follows the time to first token directly; later ones are paced
        if (frame.token() && tokens > 0) {
            exchange.vertx().setTimer(Math.max(1, exchange.behaviour().interTokenMs()), t -> send.run());
        } else {
            send.run();
        }
    }

    /** Applies the fault due after {@code tokens} tokens, if any; true when the stream must not go on. */
    private static boolean faultAfter(Exchange exchange, Frames frames, int tokens) {
        Behaviour b = exchange.behaviour();
        HttpServerResponse response = exchange.response();
        if (tokens == b.resetAfterTokens()) {
            exchange.resetConnection();
        } else if (tokens == b.truncateAfterTokens()) {
            end(response);
        } else if (tokens == b.streamErrorAfterTokens()) {
            write(exchange, frames.error(), () -> end(response));
        } else if (tokens == b.malformedAfterTokens()) {
            // a provider that garbles an event and then stalls: the caller must not wait for more
            write(
                    exchange,
                    frames.malformed(),
                    () -> exchange.vertx().setTimer(Math.max(1, b.interTokenMs() * 5), t -> end(response)));
        } else {
            return false;
        }
        return true;
    }

    /** Writes the bytes whole, or in drip_bytes pieces each followed by a drip_ms pause, then runs {@code then}. */
    private static void write(Exchange exchange, Buffer bytes, Runnable then) {
        HttpServerResponse response = exchange.response();
        int drip = exchange.behaviour().dripBytes();
        if (gone(response)) {
            return;
        }
        if (drip <= 0) {
            response.write(bytes);
            then.run();
            return;
        }
        int n = Math.min(drip, bytes.length());
        response.write(bytes.slice(0, n).copy());
        Runnable next = n == bytes.length()
                ? then
                : () -> write(exchange, bytes.slice(n, bytes.length()).copy(), then);
        exchange.vertx().setTimer(Math.max(1, exchange.behaviour().dripMs()), t -> next.run());
    }

    private static void end(HttpServerResponse response) {
        if (!gone(response)) {
            response.end();
        }
    }

    private static boolean gone(HttpServerResponse response) {
        return response.closed() || response.ended();
    }
}
