package dev.switchboard.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.events.health.OutcomeBuckets;
import dev.switchboard.router.health.HealthView;
import dev.switchboard.simulator.Behaviour;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.testsupport.TopicProbe;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.WireCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class ChatRouteTest {

    private static final String LLAMA = "meta-llama/llama-3.1-8b-instruct";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RedisDataSource redis;

    @Inject
    HealthView health;

    @AfterEach
    void resetProviders() {
        for (String provider : List.of("openai", "azure", "deepinfra", "groq", "together")) {
            SimulatorResource.simulator().behave(provider, Behaviour.DEFAULT);
            redis.key()
                    .del(
                            HealthKeys.status(provider),
                            HealthKeys.breakerFailures(provider),
                            HealthKeys.breakerOpen(provider));
            health.closed(provider);
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> List.of("openai", "azure", "deepinfra", "groq", "together").stream()
                        .allMatch(p -> health.state(p) == dev.switchboard.router.health.ProviderState.UNKNOWN));
    }

    /** Cheapest first, deterministically: these tests are about streaming and fallback, not the default draw. */
    private static final RoutingPreferences BY_PRICE = new RoutingPreferences(
            List.of(), true, false, false, false, List.of(), List.of(), List.of(), "price", null, null);

    private static RouteRequest request(String generation, String model, boolean stream) {
        ChatRequest chat = new ChatRequest(
                List.of(model),
                List.of(ChatMessage.text(ChatMessage.Role.USER, "Say hello")),
                Sampling.DEFAULT.withMaxTokens(64),
                null,
                null,
                null,
                null,
                null,
                stream,
                null,
                BY_PRICE);
        return new RouteRequest(
                generation,
                new AuthContext(
                        UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(),
                        generation,
                        1_000_000L,
                        AccountPreferences.NONE),
                chat);
    }

    private static List<RouteEvent> route(RouteRequest request, String traceparent) {
        var spec = given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON);
        if (traceparent != null) {
            spec = spec.header("traceparent", traceparent);
        }
        String body = spec.body(WireCodec.encode(request))
                .post("/internal/v1/chat")
                .then()
                .statusCode(200)
                .contentType("application/x-ndjson")
                .extract()
                .asString();
        return body.lines()
                .map(line -> WireCodec.decodeEvent(line.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    private static UsageV1 usageEvent(String generation) {
        ConsumerRecord<String, byte[]> record = usageRecord(generation);
        return EventCodec.decode(record.value(), UsageV1.TYPE, UsageV1.class).data();
    }

    private static ConsumerRecord<String, byte[]> usageRecord(String generation) {
        return TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.USAGE,
                        r -> generation.equals(r.key()),
                        Duration.ofSeconds(20))
                .orElseThrow(() -> new AssertionError("no usage event for " + generation));
    }

    @Test
    void streamsTheAnswerWithProviderUsageAndCostThenPublishesUsage() {
        String generation = "gen-" + UUID.randomUUID();
        long unauthorizedBefore = SimulatorResource.simulator().unauthorized("openai");
        String traceId = "0af7651916cd43dd8448eb211c80319c";

        List<RouteEvent> events =
                route(request(generation, "openai/gpt-4o-mini", true), "00-" + traceId + "-b7ad6b7169203331-01");

        assertThat(events.getFirst())
                .isEqualTo(new RouteEvent.Routed(
                        "openai", "openai/gpt-4o-mini", "gpt-4o-mini", 1, "openai-chat", "price"));
        assertThat(events).filteredOn(e -> e instanceof RouteEvent.Delta).isNotEmpty();
        assertThat(events).contains(new RouteEvent.Finished("stop"));
        RouteEvent.Completed completed = (RouteEvent.Completed) events.getLast();
        assertThat(completed.usage().source()).isEqualTo("provider");
        assertThat(completed.usage().completionTokens()).isPositive();
        // gpt-4o-mini: 0.15 USD / 0.60 USD per million tokens = 150,000 / 600,000 pico-USD per token
        long expectedCost =
                (completed.usage().promptTokens() * 150_000L + completed.usage().completionTokens() * 600_000L + 500)
                        / 1000;
        assertThat(completed.usage().costNanos()).isEqualTo(expectedCost);
        assertThat(SimulatorResource.simulator().unauthorized("openai")).isEqualTo(unauthorizedBefore);

        ConsumerRecord<String, byte[]> record = usageRecord(generation);
        UsageV1 usage =
                EventCodec.decode(record.value(), UsageV1.TYPE, UsageV1.class).data();
        assertThat(usage.status()).isEqualTo("success");
        assertThat(usage.provider()).isEqualTo("openai");
        assertThat(usage.completionTokens()).isEqualTo(completed.usage().completionTokens());
        assertThat(usage.estimatedCostNanos()).isEqualTo(expectedCost);
        // the prices billing charges: the endpoint's in the catalog this request was routed with
        assertThat(usage.prices()).isEqualTo(new UsageV1.Prices(150_000, 600_000, 75_000, 600_000, 0, 0));
        assertThat(usage.ttftMs()).isNotNull();
        assertThat(usage.attempts()).hasSize(1);
        // the provider's figures are billed; Switchboard's own count travels beside them
        assertThat(usage.usageSource()).isEqualTo("provider");
        assertThat(usage.counted()).isNotNull();
        assertThat(usage.counted().promptTokens()).isPositive();
        assertThat(usage.counted().completionTokens()).isPositive();
        String propagated =
                new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8);
        assertThat(propagated).contains(traceId);
    }

    @Test
    void theRequestsInputImagesAreCountedInTheUsageEvent() {
        String generation = "gen-" + UUID.randomUUID();
        String pixel =
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        ChatMessage withImages = new ChatMessage(
                ChatMessage.Role.USER,
                List.of(
                        new ContentPart.Text("Compare these", null),
                        new ContentPart.Image(pixel, "low"),
                        new ContentPart.Image(pixel, null)),
                null,
                null,
                null,
                null);
        ChatRequest chat = new ChatRequest(
                List.of("openai/gpt-4o-mini"),
                List.of(withImages),
                Sampling.DEFAULT.withMaxTokens(16),
                null,
                null,
                null,
                null,
                null,
                true,
                null,
                BY_PRICE);
        List<RouteEvent> events = route(
                new RouteRequest(
                        generation,
                        new AuthContext(
                                UUID.randomUUID().toString(),
                                UUID.randomUUID().toString(),
                                generation,
                                1_000_000L,
                                AccountPreferences.NONE),
                        chat),
                null);
        assertThat(events.getLast()).isInstanceOf(RouteEvent.Completed.class);
        // billed per image only where the endpoint lists a fee (gpt-4o-mini has none: images are prompt tokens)
        UsageV1 usage = usageEvent(generation);
        assertThat(usage.images()).isEqualTo(2);
        assertThat(usage.estimatedCostNanos())
                .isEqualTo(((RouteEvent.Completed) events.getLast()).usage().costNanos());
    }

    @Test
    void theCheapestHealthyEndpointIsTriedFirstAndFailuresFallBackAtOnce() {
        SimulatorResource.simulator().behave("deepinfra", new Behaviour(1, 1, 5, 503, -1, 0, 0));
        String generation = "gen-" + UUID.randomUUID();

        List<RouteEvent> events = route(request(generation, LLAMA, true), null);

        assertThat(events)
                .filteredOn(e -> e instanceof RouteEvent.Routed)
                .extracting(e -> ((RouteEvent.Routed) e).provider())
                .containsExactly("groq");
        assertThat(events.getLast()).isInstanceOf(RouteEvent.Completed.class);
        UsageV1 usage = usageEvent(generation);
        assertThat(usage.attempts()).extracting(UsageV1.Attempt::provider).containsExactly("deepinfra", "groq");
        assertThat(usage.attempts().getFirst().outcome()).isEqualTo("overloaded");
        assertThat(usage.attempts().getFirst().httpStatus()).isEqualTo(503);
    }

    @Test
    void aProviderMarkedDownInRedisIsSkipped() {
        redis.value(String.class).setex(HealthKeys.status("deepinfra"), 5, "{\"state\":\"down\"}");
        long before = health.lastRefreshMillis();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> health.lastRefreshMillis() > before + 1);

        List<RouteEvent> events = route(request("gen-" + UUID.randomUUID(), LLAMA, false), null);

        assertThat(((RouteEvent.Routed) events.getFirst()).provider()).isEqualTo("groq");
    }

    @Test
    void whenEveryProviderFailsTheErrorIsReportedAndNothingIsCharged() {
        // both endpoints of the model: OpenAI and Azure
        SimulatorResource.simulator().behave("openai", new Behaviour(1, 1, 5, 429, -1, 1, 0));
        SimulatorResource.simulator().behave("azure", new Behaviour(1, 1, 5, 429, -1, 1, 0));
        String generation = "gen-" + UUID.randomUUID();
        long minute = System.currentTimeMillis() / 60_000;
        long classedBefore =
                minuteCount("openai/gpt-4o-mini@azure", minute, OutcomeBuckets.errorClassField("rate_limited"));

        List<RouteEvent> events = route(request(generation, "openai/gpt-4o-mini", true), null);

        RouteEvent.Failed failed = (RouteEvent.Failed) events.getLast();
        assertThat(failed.errorClass().name()).isEqualTo("RATE_LIMITED");
        assertThat(failed.usage().costNanos()).isZero();
        UsageV1 usage = usageEvent(generation);
        assertThat(usage.status()).isEqualTo("error");
        assertThat(usage.errorClass()).isEqualTo("rate_limited");
        assertThat(usage.estimatedCostNanos()).isZero();
        // the failures reach the shared health buckets with their class
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(minuteCount(
                                "openai/gpt-4o-mini@azure", minute, OutcomeBuckets.errorClassField("rate_limited")))
                        .isGreaterThan(classedBefore));
    }

    @Test
    void aStreamCutAfterTheFirstTokenEndsWithAnErrorNotASilentSuccess() {
        SimulatorResource.simulator().behave("openai", new Behaviour(1, 1, 20, 0, 0, 0, 3));
        String generation = "gen-" + UUID.randomUUID();

        List<RouteEvent> events = route(request(generation, "openai/gpt-4o-mini", true), null);

        assertThat(events).filteredOn(e -> e instanceof RouteEvent.Delta).isNotEmpty();
        assertThat(events).noneMatch(e -> e instanceof RouteEvent.Completed);
        RouteEvent.Failed failed = (RouteEvent.Failed) events.getLast();
        assertThat(failed.usage().source()).isEqualTo("estimated");
        assertThat(failed.usage().completionTokens()).isPositive();
        assertThat(usageEvent(generation).status()).isEqualTo("error");
    }

    @Test
    void anUnknownModelGetsNoProviderWithReasons() {
        List<RouteEvent> events = route(request("gen-" + UUID.randomUUID(), "nobody/nothing", false), null);
        RouteEvent.Failed failed = (RouteEvent.Failed) events.getLast();
        assertThat(failed.errorClass().name()).isEqualTo("NO_PROVIDER");
        assertThat(failed.reasons()).anyMatch(r -> r.contains("nobody/nothing"));
    }

    @Test
    void theProviderOnlyEverSeesItsOwnCredential() {
        ProviderSimulator simulator = SimulatorResource.simulator();
        long requests = simulator.requests("groq");
        long unauthorized = simulator.unauthorized("groq");
        SimulatorResource.simulator().behave("deepinfra", new Behaviour(1, 1, 5, 500, -1, 0, 0));
        route(request("gen-" + UUID.randomUUID(), LLAMA, false), null);
        assertThat(simulator.requests("groq")).isEqualTo(requests + 1);
        assertThat(simulator.unauthorized("groq")).isEqualTo(unauthorized);
    }

    @Test
    void providersTheAccountIgnoresAreNotUsed() {
        RouteRequest base = request("gen-" + UUID.randomUUID(), LLAMA, false);
        RouteRequest ignoring = new RouteRequest(
                base.generationId(),
                new AuthContext(
                        base.auth().accountId(),
                        base.auth().keyId(),
                        base.auth().holdId(),
                        base.auth().holdNanos(),
                        new AccountPreferences(List.of(), null, List.of("deepinfra"), false, false, null)),
                base.request());
        List<RouteEvent> events = route(ignoring, null);
        assertThat(((RouteEvent.Routed) events.getFirst()).provider()).isEqualTo("groq");
    }

    @Test
    void whenTheHoldCannotBeExtendedTheStreamStopsWithAnInsufficientCreditErrorOnceTheHoldIsUsedUp() {
        // a hold worth a handful of tokens; auth-service (not running here) cannot extend it
        SimulatorResource.simulator().behave("openai", new Behaviour(1, 1, 200, 0, 0, 0, 0));
        String generation = "gen-" + UUID.randomUUID();
        RouteRequest base = request(generation, "openai/gpt-4o-mini", true);
        RouteRequest tiny = new RouteRequest(
                generation,
                new AuthContext(
                        base.auth().accountId(), base.auth().keyId(), generation, 20_000L, AccountPreferences.NONE),
                base.request());

        List<RouteEvent> events = route(tiny, null);

        RouteEvent.Failed failed = (RouteEvent.Failed) events.getLast();
        assertThat(failed.errorClass().name()).isEqualTo("INSUFFICIENT_CREDIT");
        long deltas = events.stream().filter(e -> e instanceof RouteEvent.Delta).count();
        assertThat(deltas).isPositive().isLessThan(200);
        // the answer went on until its output had used up the hold (not cut at the 80 % where the
        // extension was asked for), then stopped: 20,000 nano-USD at 600 nano-USD per output token is
        // ~33 tokens, and at most one provider chunk past it
        assertThat(failed.usage().costNanos()).isGreaterThanOrEqualTo(20_000L).isLessThan(25_000L);
    }

    @Test
    void realTrafficIsRecordedAsPassiveHealthPerProviderAndEndpoint() {
        long minute = System.currentTimeMillis() / 60_000;
        route(request("gen-" + UUID.randomUUID(), "openai/gpt-4o", false), null);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(redis.value(String.class).get(HealthKeys.passive("openai")))
                    .isNotNull();
            assertThat(redis.value(String.class).get(HealthKeys.passive("openai/gpt-4o@openai")))
                    .isNotNull();
            assertThat(minuteCount("openai/gpt-4o@openai", minute, "n")).isPositive();
        });
    }

    /** A field of {@code subject}'s outcome bucket for {@code minute}, plus the next one's (the minute may turn meanwhile). */
    private long minuteCount(String subject, long minute, String field) {
        long total = 0;
        for (long m = minute; m <= minute + 1; m++) {
            String value = redis.hash(String.class).hget(HealthKeys.minute(subject, m), field);
            total += value == null ? 0 : Long.parseLong(value);
        }
        return total;
    }

    @Test
    void embeddingsComeBackInInputOrderWithProviderUsageAndAUsageEvent() throws Exception {
        String generation = "gen-" + UUID.randomUUID();
        var request = new dev.switchboard.wire.EmbeddingRequest.Routed(
                generation,
                new AuthContext(
                        UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(),
                        generation,
                        1_000_000L,
                        AccountPreferences.NONE),
                new dev.switchboard.wire.EmbeddingRequest(
                        List.of("openai/text-embedding-3-small"), List.of("one", "two", "three"), 16, "end-user-1"),
                dev.switchboard.wire.Attribution.of("https://app.example/search", "Example Search"));
        String body = given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON)
                .body(WireCodec.encode(request))
                .post("/internal/v1/embeddings")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        var result = WireCodec.mapper().readValue(body, dev.switchboard.wire.EmbeddingResult.class);
        assertThat(result.error()).isNull();
        // the model's two endpoints share the traffic by the default price-weighted draw
        assertThat(result.provider()).isIn("openai", "azure");
        assertThat(result.vectors()).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(16));
        assertThat(result.usage().promptTokens()).isPositive();
        // OpenAI: $0.02 per million tokens = 20,000 pico-USD per token; Azure: $0.022
        long picoPerToken = "openai".equals(result.provider()) ? 20_000L : 22_000L;
        assertThat(result.usage().costNanos()).isEqualTo((result.usage().promptTokens() * picoPerToken + 500) / 1000);
        UsageV1 usage = usageEvent(generation);
        assertThat(usage.model()).isEqualTo("openai/text-embedding-3-small");
        assertThat(usage.completionTokens()).isZero();
        // the app the client named, and its end user, as for chat (analytics records them)
        assertThat(usage.app())
                .isEqualTo(new UsageV1.App("https://app.example/search", "Example Search", "end-user-1"));
    }

    @Test
    void requestsWithoutTheServiceTokenOrWithGarbageAreRefused() throws Exception {
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/internal/v1/chat")
                .then()
                .statusCode(401);
        String body = given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON)
                .body("{\"generationId\":")
                .post("/internal/v1/chat")
                .then()
                .statusCode(400)
                .extract()
                .asString();
        JsonNode error = JSON.readTree(body);
        assertThat(error.at("/error/code").asInt()).isEqualTo(400);
    }
}
