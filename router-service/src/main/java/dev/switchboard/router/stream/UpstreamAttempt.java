package dev.switchboard.router.stream;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.framing.FrameDecoder;
import dev.switchboard.router.routing.Candidate;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * One call of one candidate for a chat request: builds the provider request with the family's
 * adapter and the provider's credential, sends it under the total timeout, cuts a 2xx body into
 * frames, translates them and hands the events on; any other answer, a broken connection or a
 * malformed stream becomes one classified {@link UpstreamFailure}. It reports to its
 * {@link Listener} and, after {@link Listener#completed} or {@link Listener#failed}, never again.
 * It decides nothing: what follows a failure is {@link FallbackPolicy}'s.
 *
 * <p>Threading: the request's event loop, like the execution that owns it.
 */
final class UpstreamAttempt implements CreditMeter.Flow {

    private static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    /** What the attempt tells its execution. */
    interface Listener {
        /** The request is on its way (the fallback timer stops here). */
        void sending();

        /** The provider answered 2xx: events follow. */
        void started(UpstreamAttempt attempt);

        /** A translated event of the answer. */
        void event(RouteEvent event);

        /** The provider finished the answer. */
        void completed(int httpStatus);

        /** The attempt failed, before or during the answer. */
        void failed(UpstreamFailure failure);
    }

    private final Dispatcher d;
    private final Candidate candidate;
    private final ChatRequest request;
    private final Listener listener;
    private final long startNanos = System.nanoTime();
    private long firstTokenMs = -1;
    private StreamTranslator translator;
    private HttpClientRequest upstreamRequest;
    private HttpClientResponse upstreamResponse;
    private long totalTimer = -1;
    private boolean timedOut;
    private boolean over;

    UpstreamAttempt(Dispatcher d, Candidate candidate, ChatRequest request, Listener listener) {
        this.d = d;
        this.candidate = candidate;
        this.request = request;
        this.listener = listener;
    }

    Candidate candidate() {
        return candidate;
    }

    /** The translator of the answer, once it started; null before. */
    StreamTranslator translator() {
        return translator;
    }

    /** The provider's response while it streams, for back-pressure; null before. */
    HttpClientResponse response() {
        return upstreamResponse;
    }

    void start() {
        ProviderAdapter adapter =
                d.adapters.forFamily(candidate.provider().family()).orElse(null);
        String credential =
                d.credentials.credential(candidate.provider().credential()).orElse(null);
        if (adapter == null || credential == null) {
            String why = adapter == null
                    ? "no adapter for family " + candidate.provider().family()
                    : "no credential configured";
            fail(new UpstreamFailure(ErrorClass.UPSTREAM, candidate.provider().name() + ": " + why, null));
            return;
        }
        EndpointSpec endpoint = candidate.endpoint();
        int maxTokens = request.maxTokens() == null
                ? endpoint.maxOutputTokens()
                : Math.min(request.maxTokens(), endpoint.maxOutputTokens());
        UpstreamRequest upstream;
        try {
            upstream = adapter.toUpstream(candidate.provider(), endpoint, request, maxTokens, credential);
        } catch (UpstreamFailure failure) {
            // the request cannot be said in this provider's protocol (a malformed tool call, say)
            fail(failure);
            return;
        }
        d.rateLimits.sent(candidate.provider());
        totalTimer = d.vertx.setTimer(d.config.upstream().totalTimeout().toMillis(), t -> {
            totalTimer = -1;
            timedOut = true;
            abort();
        });
        d.http.request(options(d, upstream))
                .compose(req -> {
                    upstreamRequest = req;
                    if (over) {
                        req.reset();
                    } else {
                        listener.sending();
                    }
                    return req.send(Buffer.buffer(upstream.body()));
                })
                .onSuccess(response -> onResponse(adapter, response))
                .onFailure(error -> fail(classify(error, timedOut)));
    }

    private void onResponse(ProviderAdapter adapter, HttpClientResponse response) {
        if (over) {
            return;
        }
        upstreamResponse = response;
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            ProviderAdapter.Headers headers = response::getHeader;
            Long retryAfter =
                    UpstreamFailure.parseRetryAfter(response.getHeader("Retry-After"), System.currentTimeMillis());
            response.body()
                    .onSuccess(body ->
                            fail(withRetryAfter(adapter.classifyError(status, headers, body.getBytes()), retryAfter)))
                    .onFailure(error ->
                            fail(withRetryAfter(adapter.classifyError(status, headers, new byte[0]), retryAfter)));
            return;
        }
        translator = adapter.newTranslator(candidate.provider(), candidate.endpoint(), request);
        listener.started(this);
        FrameDecoder parser = FrameDecoder.of(adapter.framing(), this::onFrame, MAX_EVENT_BYTES);
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (UpstreamFailure failure) {
                streamFailed(failure);
            } catch (RuntimeException e) {
                streamFailed(UpstreamFailure.malformed(e.getMessage()));
            }
        });
        response.exceptionHandler(error -> streamFailed(classify(error, timedOut)));
        response.endHandler(v -> {
            if (over) {
                return;
            }
            try {
                parser.end();
            } catch (RuntimeException e) {
                streamFailed(e instanceof UpstreamFailure f ? f : UpstreamFailure.malformed(e.getMessage()));
                return;
            }
            if (over) {
                return;
            }
            if (translator.completed()) {
                over = true;
                cancelTimer();
                listener.completed(status);
            } else {
                streamFailed(UpstreamFailure.malformed("stream ended before the provider finished"));
            }
        });
    }

    private void onFrame(String event, byte[] data, int offset, int length) {
        if (over) {
            return;
        }
        for (RouteEvent routeEvent : translator.onEvent(event, data, offset, length)) {
            if (over) {
                return;
            }
            if (routeEvent instanceof RouteEvent.Delta && firstTokenMs < 0) {
                firstTokenMs = elapsedMs();
            }
            listener.event(routeEvent);
        }
    }

    /** A failure of the answer's body: the connection is reset (it is in an unknown state). */
    private void streamFailed(UpstreamFailure failure) {
        if (!over && upstreamRequest != null) {
            upstreamRequest.reset();
        }
        fail(failure);
    }

    /** A failure before the answer, or an error answer read whole (its connection stays reusable). */
    private void fail(UpstreamFailure failure) {
        if (over) {
            return;
        }
        over = true;
        cancelTimer();
        listener.failed(
                timedOut ? new UpstreamFailure(ErrorClass.TIMEOUT, "provider did not answer in time", null) : failure);
    }

    /** Stops the call without a report (the request ended, or the total timeout fired: then the failure follows). */
    void abort() {
        if (over) {
            return;
        }
        if (!timedOut) {
            over = true;
            cancelTimer();
        }
        if (upstreamRequest != null) {
            upstreamRequest.reset();
        }
    }

    private void cancelTimer() {
        if (totalTimer >= 0) {
            d.vertx.cancelTimer(totalTimer);
            totalTimer = -1;
        }
    }

    /** Holds the provider's stream back (while the credit meter waits for auth-service). */
    @Override
    public void pause() {
        if (upstreamResponse != null) {
            upstreamResponse.pause();
        }
    }

    @Override
    public void resume() {
        if (upstreamResponse != null) {
            upstreamResponse.resume();
        }
    }

    /** Milliseconds since the attempt started. */
    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Milliseconds from the attempt's start to its first output token, or -1 before one. */
    long firstTokenMs() {
        return firstTokenMs;
    }

    /** A provider request as Vert.x options: POST, the family's headers, the idle timeout. */
    static RequestOptions options(Dispatcher d, UpstreamRequest upstream) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(upstream.url())
                .setIdleTimeout(d.config.upstream().idleTimeout().toMillis());
        upstream.headers().forEach(options::putHeader);
        return options;
    }

    /** A transport failure as an error class: a timeout, a refused connection, or another broken call. */
    static UpstreamFailure classify(Throwable error, boolean timedOut) {
        if (error instanceof UpstreamFailure failure) {
            return failure;
        }
        if (timedOut
                || error instanceof TimeoutException
                || error.getClass().getSimpleName().contains("Timeout")) {
            return new UpstreamFailure(ErrorClass.TIMEOUT, "provider did not answer in time", null);
        }
        if (error instanceof ConnectException) {
            return new UpstreamFailure(ErrorClass.UPSTREAM, "cannot connect to provider", null);
        }
        return new UpstreamFailure(ErrorClass.UPSTREAM, "connection to provider failed: " + error.getMessage(), null);
    }

    private static UpstreamFailure withRetryAfter(UpstreamFailure failure, Long retryAfter) {
        return retryAfter == null ? failure : failure.withRetryAfter(retryAfter);
    }
}
