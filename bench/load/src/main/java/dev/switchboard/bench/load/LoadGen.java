package dev.switchboard.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A load generator free of coordinated omission. At a fixed rate, request {@code i} is due at
 * {@code t0 + i / rate} and is sent then whatever the earlier ones are doing; its latency counts from
 * that due time, so a stall shows as the latency of every request it delayed. At a fixed concurrency
 * (closed loop, for saturation) each connection sends its next request when the last one ended.
 * Streamed requests also record the time to the first content token. Runs on one Vert.x event loop,
 * so the histograms need no locking.
 */
public final class LoadGen {

    /** Requests in flight beyond which a fixed-rate run stops sending (the target is saturated). */
    private static final int MAX_IN_FLIGHT = 20_000;

    private final Vertx vertx;
    private final HttpClient client;

    public LoadGen(Vertx vertx, int connections) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(5_000)
                        .setIdleTimeout(0),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /** Where and what to send. */
    public record Target(String name, String url, Map<String, String> headers, byte[] body, boolean stream) {}

    /** One measured run. Latencies in microseconds. */
    public static final class Run {
        public final Histogram latency = new Histogram(120_000_000L, 3);
        public final Histogram ttft = new Histogram(120_000_000L, 3);
        public final Map<String, Integer> errors = new TreeMap<>();
        public long ok;
        public long sent;
        public long startNanos;
        public long endNanos;
        /** CPU milliseconds each process group used during the run. */
        public Map<String, Double> cpu = Map.of();

        boolean recording;

        void error(String what) {
            errors.merge(what, 1, Integer::sum);
        }

        public double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        public Map<String, Object> summary() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("seconds", round(seconds()));
            out.put("sent", sent);
            out.put("ok", ok);
            out.put("achieved_rps", round(ok / seconds()));
            out.put("errors", errors);
            out.put("latency_ms", percentiles(latency));
            if (ttft.getTotalCount() > 0) {
                out.put("ttft_ms", percentiles(ttft));
            }
            return out;
        }
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("p50", ms(h.getValueAtPercentile(50)));
        out.put("p90", ms(h.getValueAtPercentile(90)));
        out.put("p99", ms(h.getValueAtPercentile(99)));
        out.put("p999", ms(h.getValueAtPercentile(99.9)));
        out.put("max", ms(h.getMaxValue()));
        out.put("mean", ms((long) h.getMean()));
        return out;
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** Open loop: {@code rps} requests a second for {@code warmupSeconds} (not recorded) then {@code seconds}. */
    public Run fixedRate(Target target, int rps, int warmupSeconds, int seconds) {
        Run run = new Run();
        Promise<Void> done = Promise.promise();
        vertx.runOnContext(v -> {
            long t0 = System.nanoTime();
            long measureFrom = t0 + warmupSeconds * 1_000_000_000L;
            long end = measureFrom + seconds * 1_000_000_000L;
            double interval = 1e9 / rps;
            long[] next = {0};
            int[] inFlight = {0};
            vertx.setPeriodic(1, id -> {
                long now = System.nanoTime();
                while (true) {
                    long due = t0 + (long) (next[0] * interval);
                    if (due > now || due >= end) {
                        break;
                    }
                    next[0]++;
                    boolean measured = due >= measureFrom;
                    if (measured && !run.recording) {
                        run.recording = true;
                        run.startNanos = due;
                    }
                    if (inFlight[0] >= MAX_IN_FLIGHT) {
                        if (measured) {
                            run.sent++;
                            run.error("not sent: " + MAX_IN_FLIGHT + " in flight");
                        }
                        continue;
                    }
                    if (measured) {
                        run.sent++;
                    }
                    inFlight[0]++;
                    send(target, due, measured ? run : null).onComplete(r -> inFlight[0]--);
                }
                if (now >= end && inFlight[0] == 0) {
                    vertx.cancelTimer(id);
                    run.endNanos = end;
                    done.complete();
                } else if (now >= end + 60_000_000_000L) {
                    vertx.cancelTimer(id);
                    run.error("still in flight 60 s after the end: " + inFlight[0]);
                    run.endNanos = end;
                    done.complete();
                }
            });
        });
        done.future().toCompletionStage().toCompletableFuture().join();
        return run;
    }

    /** Closed loop: {@code concurrency} requests in flight at all times. */
    public Run fixedConcurrency(Target target, int concurrency, int warmupSeconds, int seconds) {
        Run run = new Run();
        Promise<Void> done = Promise.promise();
        vertx.runOnContext(v -> {
            long t0 = System.nanoTime();
            long measureFrom = t0 + warmupSeconds * 1_000_000_000L;
            long end = measureFrom + seconds * 1_000_000_000L;
            int[] active = {concurrency};
            run.startNanos = measureFrom;
            run.endNanos = end;
            for (int i = 0; i < concurrency; i++) {
                loop(target, run, measureFrom, end, () -> {
                    if (--active[0] == 0) {
                        done.complete();
                    }
                });
            }
        });
        done.future().toCompletionStage().toCompletableFuture().join();
        return run;
    }

    private void loop(Target target, Run run, long measureFrom, long end, Runnable finished) {
        long now = System.nanoTime();
        if (now >= end) {
            finished.run();
            return;
        }
        boolean measured = now >= measureFrom;
        if (measured) {
            run.sent++;
        }
        send(target, now, measured ? run : null).onComplete(r -> loop(target, run, measureFrom, end, finished));
    }

    /** Sends one request due at {@code dueNanos}; records into {@code run} unless it is null (warm-up). */
    private Future<Void> send(Target target, long dueNanos, Run run) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(target.url())
                .setIdleTimeout(120_000);
        target.headers().forEach(options::putHeader);
        Promise<Void> done = Promise.promise();
        client.request(options)
                .compose(request -> request.send(Buffer.buffer(target.body())))
                .onFailure(e -> {
                    if (run != null) {
                        run.error("io: " + e.getClass().getSimpleName());
                    }
                    done.fail(e);
                })
                .onSuccess(response -> {
                    int status = response.statusCode();
                    boolean[] firstToken = {false};
                    boolean[] sawDone = {false};
                    response.handler(chunk -> {
                        if (!target.stream()) {
                            return;
                        }
                        String text = chunk.toString(StandardCharsets.UTF_8);
                        if (!firstToken[0] && hasContent(text)) {
                            firstToken[0] = true;
                            if (run != null) {
                                run.ttft.recordValue(Math.max(0, (System.nanoTime() - dueNanos) / 1000));
                            }
                        }
                        if (text.contains("[DONE]")) {
                            sawDone[0] = true;
                        }
                    });
                    response.exceptionHandler(e -> {
                        if (run != null) {
                            run.error("io: " + e.getClass().getSimpleName());
                        }
                        done.tryFail(e);
                    });
                    response.endHandler(v -> {
                        if (run != null) {
                            if (status != 200) {
                                run.error("HTTP " + status);
                            } else if (target.stream() && !sawDone[0]) {
                                run.error("stream without [DONE]");
                            } else {
                                run.ok++;
                                run.latency.recordValue(Math.max(0, (System.nanoTime() - dueNanos) / 1000));
                            }
                        }
                        done.tryComplete();
                    });
                });
        return done.future();
    }

    /** A chunk that carries output text ({@code "content":"x...}), not just a role or an empty delta. */
    static boolean hasContent(String text) {
        int at = text.indexOf("\"content\":\"");
        while (at >= 0) {
            int after = at + "\"content\":\"".length();
            if (after < text.length() && text.charAt(after) != '"') {
                return true;
            }
            at = text.indexOf("\"content\":\"", after);
        }
        return false;
    }

    public void close() {
        client.close();
    }
}
