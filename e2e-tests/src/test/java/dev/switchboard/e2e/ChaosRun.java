package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The traffic and the faults of the chaos money run ({@link ChaosMoneyE2eTest}). {@code requests}
 * chats to the stack's edge at an even pace over {@code duration}, open loop (each on a virtual
 * thread of its own, as independent clients send them), spread over the accounts: plain and streamed,
 * a share of them hung up by their client (a streamed one after its first chunk, a plain one before its
 * answer). While they run, a {@link UsageDuplicator} re-produces a share of the usage topic's records,
 * and at fixed points of the run the router and then billing are killed with SIGKILL (no drain, no
 * shutdown hook) and started again at once, and then Kafka is stopped for {@code kafkaOutage}. What
 * each client saw is kept, to be checked against the ledger.
 */
final class ChaosRun {

    static final String MODEL = "openai/gpt-4o";
    /** The catalog's prices of {@link #MODEL}, nano-USD per token (2.50 and 10.00 USD per million). */
    static final long PROMPT_NANOS = 2_500;

    static final long COMPLETION_NANOS = 10_000;
    /** The most a request may produce (its hold covers this much). */
    static final int MAX_TOKENS = 48;
    /** The most prompt tokens a chaos request has (its one short message, framing included). */
    static final int MAX_PROMPT_TOKENS = 40;

    /** Where in the run (a share of its duration) each fault starts. */
    static final double KILL_ROUTER_AT = 0.15;

    static final double KILL_BILLING_AT = 0.40;
    static final double STOP_KAFKA_AT = 0.55;

    /** How the run is sized. */
    record Settings(
            int requests,
            Duration duration,
            Duration kafkaOutage,
            double hangUpShare,
            double duplicateShare,
            long seed) {}

    /** What a client saw of its request. */
    enum Result {
        /** The whole answer, with its cost. */
        COMPLETED,
        /** The client hung up before the end. */
        HUNG_UP,
        /** 402: the account's credit was used up. */
        REFUSED,
        /** Anything else: an error status, a broken connection, an error event in the stream. */
        FAILED
    }

    /**
     * One request: its account, generation (null when none was named), kind, when it was sent (ms
     * since the run started), its result and the cost it was told.
     */
    record Outcome(
            String account,
            String generation,
            boolean streamed,
            long sentAt,
            Result result,
            long costNanos,
            String detail) {

        /** What is known of a request before its answer. */
        record Builder(String account, boolean streamed, long sentAt) {
            Outcome of(String generation, Result result, long costNanos, String detail) {
                return new Outcome(account, generation, streamed, sentAt, result, costNanos, detail);
            }
        }
    }

    /** When each fault happened, in ms since the run started (-1: not reached). */
    record Faults(
            long routerKilledAt,
            long routerBackAt,
            long billingKilledAt,
            long billingBackAt,
            long kafkaStoppedAt,
            long kafkaBackAt) {}

    /** The run's outcomes, faults and the duplicates injected. */
    record Report(List<Outcome> outcomes, Faults faults, UsageDuplicator.Counts duplicates, long elapsedMillis) {

        long count(Result result) {
            return outcomes.stream().filter(o -> o.result() == result).count();
        }

        long count(Result result, boolean streamed) {
            return outcomes.stream()
                    .filter(o -> o.result() == result && o.streamed() == streamed)
                    .count();
        }
    }

    private final Settings settings;
    private final List<String[]> accounts;

    /** {@code accounts}: [account id, inference key] pairs; request {@code i} goes to account {@code i % n}. */
    ChaosRun(Settings settings, List<String[]> accounts) {
        this.settings = settings;
        this.accounts = List.copyOf(accounts);
    }

    /** The most a single chaos request can cost (its hold). */
    static long maxRequestCostNanos() {
        return MAX_PROMPT_TOKENS * PROMPT_NANOS + MAX_TOKENS * COMPLETION_NANOS;
    }

    Report run() throws Exception {
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        long[] faults = {-1, -1, -1, -1, -1, -1};
        long periodNanos = settings.duration().toNanos() / settings.requests();
        SplittableRandom random = new SplittableRandom(settings.seed());
        UsageDuplicator duplicator = UsageDuplicator.start(settings.duplicateShare(), settings.seed());
        long start = System.nanoTime();
        long elapsed;
        try {
            java.util.concurrent.atomic.AtomicReference<Throwable> faultFailed =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread faulter = Thread.ofPlatform()
                    .name("chaos-faults")
                    .uncaughtExceptionHandler((thread, e) -> faultFailed.set(e))
                    .start(() -> faults(start, faults));
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < settings.requests(); i++) {
                    long due = start + i * periodNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    String[] account = accounts.get(i % accounts.size());
                    boolean streamed = random.nextBoolean();
                    boolean hangUp = random.nextDouble() < settings.hangUpShare();
                    int n = i;
                    long sentAt = sinceStart(start);
                    sent.add(clients.submit(() -> outcomes.add(request(n, account, streamed, hangUp, sentAt))));
                }
                for (Future<?> request : sent) {
                    request.get(180, TimeUnit.SECONDS);
                }
            }
            faulter.join(TimeUnit.MINUTES.toMillis(5));
            if (faulter.isAlive()) {
                throw new TimeoutException("the faults did not finish within 5 minutes");
            }
            if (faultFailed.get() != null) {
                throw new AssertionError("a fault could not be injected", faultFailed.get());
            }
            elapsed = sinceStart(start);
        } finally {
            duplicator.close();
        }
        return new Report(
                List.copyOf(outcomes),
                new Faults(faults[0], faults[1], faults[2], faults[3], faults[4], faults[5]),
                duplicator.counts(),
                elapsed);
    }

    /** The faults, in order, each at its point of the run; records when each began and ended. */
    private void faults(long start, long[] at) {
        sleepUntil(start, KILL_ROUTER_AT);
        at[0] = sinceStart(start);
        Stack.services(Map.of(), "kill", "router-service");
        Stack.services(Map.of(), "start", "router-service");
        at[1] = sinceStart(start);
        sleepUntil(start, KILL_BILLING_AT);
        at[2] = sinceStart(start);
        Stack.services(Map.of(), "kill", "billing-service");
        Stack.services(Map.of(), "start", "billing-service");
        at[3] = sinceStart(start);
        sleepUntil(start, STOP_KAFKA_AT);
        at[4] = sinceStart(start);
        Stack.stackScript("stop", "kafka");
        try {
            Thread.sleep(settings.kafkaOutage().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Stack.stackScript("start", "kafka");
        }
        at[5] = sinceStart(start);
    }

    private void sleepUntil(long start, double share) {
        long due = start + (long) (settings.duration().toNanos() * share);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long sinceStart(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static Outcome request(int n, String[] account, boolean streamed, boolean hangUp, long sentAt) {
        Outcome.Builder outcome = new Outcome.Builder(account[0], streamed, sentAt);
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + MAX_TOKENS + (streamed ? ",\"stream\":true" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"chaos request " + n + "\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Stack.url() + "/chat/completions"))
                .header("Authorization", "Bearer " + account[1])
                .header("Content-Type", "application/json")
                // a plain answer takes ~250 ms (simulator: 20 ms to the first token, 5 ms per token)
                .timeout(hangUp && !streamed ? Duration.ofMillis(80) : Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<InputStream> response =
                    Stack.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String generation = response.headers().firstValue("X-Generation-Id").orElse(null);
            try (InputStream in = response.body()) {
                if (response.statusCode() == 402) {
                    return outcome.of(generation, Result.REFUSED, 0, "402");
                }
                if (response.statusCode() != 200) {
                    return outcome.of(
                            generation,
                            Result.FAILED,
                            0,
                            "HTTP " + response.statusCode() + " "
                                    + new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                return streamed ? stream(outcome, generation, in, hangUp) : plain(outcome, generation, in);
            }
        } catch (HttpTimeoutException e) {
            return outcome.of(null, hangUp ? Result.HUNG_UP : Result.FAILED, 0, "timeout");
        } catch (IOException e) {
            return outcome.of(null, Result.FAILED, 0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return outcome.of(null, Result.FAILED, 0, "interrupted");
        }
    }

    private static Outcome plain(Outcome.Builder outcome, String generation, InputStream in) throws IOException {
        JsonNode answer = Stack.json(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        Optional<Long> cost = nanos(answer.at("/usage/cost"));
        if (answer.has("error") || cost.isEmpty()) {
            return outcome.of(
                    generation,
                    Result.FAILED,
                    0,
                    "answer without a cost " + answer.at("/error/code").asText(""));
        }
        return outcome.of(generation, Result.COMPLETED, cost.get(), "");
    }

    private static Outcome stream(Outcome.Builder outcome, String generation, InputStream in, boolean hangUp)
            throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Long cost = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            if (hangUp) {
                // the first chunk arrived: the client goes away (closing the body closes the connection)
                return outcome.of(generation, Result.HUNG_UP, 0, "after the first chunk");
            }
            String data = line.substring("data: ".length());
            if (data.equals("[DONE]")) {
                return cost == null
                        ? outcome.of(generation, Result.FAILED, 0, "no usage chunk")
                        : outcome.of(generation, Result.COMPLETED, cost, "");
            }
            JsonNode chunk = Stack.json(data);
            if (chunk.has("error")) {
                // a stream ended by an error event (its router died mid-answer, say)
                return outcome.of(
                        generation,
                        Result.FAILED,
                        0,
                        "error event " + chunk.at("/error/code").asText("?"));
            }
            Optional<Long> chunkCost = nanos(chunk.at("/usage/cost"));
            if (chunkCost.isPresent()) {
                cost = chunkCost.get();
            }
        }
        return outcome.of(generation, Result.FAILED, 0, "stream ended without [DONE]");
    }

    /** A USD amount as nano-USD (exact: costs have at most nine decimals). */
    private static Optional<Long> nanos(JsonNode usd) {
        if (!usd.isNumber()) {
            return Optional.empty();
        }
        BigDecimal value = usd.decimalValue();
        return Optional.of(value.movePointRight(9).longValueExact());
    }
}
