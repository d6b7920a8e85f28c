package dev.switchboard.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * A fixed-delay OpenAI-compatible chat completions mock for gateway benchmarks (not a provider
 * simulator: no faults, no realistic timings, one answer). A streamed answer sends its first chunk
 * after {@code first-ms} and the other {@code chunks - 1} chunks {@code chunk-ms} apart, then usage
 * and {@code [DONE]}; a non-streamed answer arrives when the stream would have ended, as a real
 * provider's does. Any POST ending in {@code /chat/completions} is answered (OpenAI and Azure
 * paths alike), any GET gets an empty model list (health probes).
 *
 * <pre>java ... MockProvider PORT [first-ms chunks chunk-ms]</pre>
 */
public final class MockProvider {

    private MockProvider() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        long firstMs = args.length > 1 ? Long.parseLong(args[1]) : 20;
        int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        long chunkMs = args.length > 3 ? Long.parseLong(args[3]) : 5;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        start(vertx, port, firstMs, chunks, chunkMs);
        System.out.printf(
                "mock provider on 127.0.0.1:%d (first chunk %d ms, %d chunks %d ms apart)%n",
                port, firstMs, chunks, chunkMs);
    }

    public static void start(Vertx vertx, int port, long firstMs, int chunks, long chunkMs) {
        Buffer chunk = sse(
                "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}]}");
        Buffer last =
                sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
                        .appendBuffer(sse(
                                "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":"
                                        + chunks + ",\"total_tokens\":" + (12 + chunks) + "}}"))
                        .appendString("data: [DONE]\n\n");
        Buffer whole = Buffer.buffer(
                ("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
                                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                                + "tok ".repeat(chunks)
                                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":"
                                + chunks
                                + ",\"total_tokens\":" + (12 + chunks) + "}}")
                        .getBytes(StandardCharsets.UTF_8));
        Buffer models = Buffer.buffer("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\"}]}");
        long wholeMs = firstMs + (chunks - 1) * chunkMs;
        vertx.createHttpServer(new HttpServerOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setTcpNoDelay(true)
                        .setIdleTimeout(0))
                .requestHandler(request -> {
                    if (!"POST".equals(request.method().name())) {
                        request.response()
                                .putHeader("Content-Type", "application/json")
                                .end(models);
                        return;
                    }
                    if (!request.path().endsWith("/chat/completions")) {
                        request.response().setStatusCode(404).end();
                        return;
                    }
                    request.body().onSuccess(body -> {
                        if (indexOf(body, "\"stream\":true") >= 0 || indexOf(body, "\"stream\": true") >= 0) {
                            stream(vertx, request, chunk, last, chunks, firstMs, chunkMs);
                        } else {
                            vertx.setTimer(
                                    wholeMs,
                                    t -> request.response()
                                            .putHeader("Content-Type", "application/json")
                                            .end(whole));
                        }
                    });
                })
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    private static void stream(
            Vertx vertx, HttpServerRequest request, Buffer chunk, Buffer last, int chunks, long firstMs, long chunkMs) {
        HttpServerResponse response =
                request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
        int[] sent = {0};
        vertx.setTimer(firstMs, first -> {
            if (response.closed()) {
                return;
            }
            response.write(chunk);
            sent[0]++;
            if (sent[0] == chunks) {
                response.end(last);
                return;
            }
            vertx.setPeriodic(chunkMs, id -> {
                if (response.closed()) {
                    vertx.cancelTimer(id);
                    return;
                }
                sent[0]++;
                if (sent[0] == chunks) {
                    vertx.cancelTimer(id);
                    response.write(chunk);
                    response.end(last);
                } else {
                    response.write(chunk);
                }
            });
        });
    }

    private static Buffer sse(String json) {
        return Buffer.buffer("data: " + json + "\n\n");
    }

    private static int indexOf(Buffer body, String needle) {
        return body.toString(StandardCharsets.UTF_8).indexOf(needle);
    }
}
