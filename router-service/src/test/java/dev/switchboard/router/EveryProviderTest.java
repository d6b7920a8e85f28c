package dev.switchboard.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;
import dev.switchboard.wire.WireCodec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every catalog provider through the router's real adapters against the in-process simulator, which
 * speaks each provider's own wire family and accepts only that provider's credential: an answer with
 * the provider's own usage, and a tool call whose streamed fragments join into JSON arguments.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class EveryProviderTest {

    private static final String LOOKUP =
            "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}";

    @Inject
    LiveCatalog live;

    @Test
    void everyProviderAnswersAndCallsToolsInItsOwnProtocol() {
        for (ProviderSpec provider : live.current().providers()) {
            String model = live.current().models().stream()
                    .filter(m -> ModelSpec.CHAT.equals(m.kind()))
                    .filter(m ->
                            m.endpoints().stream().anyMatch(e -> e.provider().equals(provider.name())))
                    .findFirst()
                    .orElseThrow()
                    .id();
            long unauthorized = SimulatorResource.simulator().unauthorized(provider.name());

            List<RouteEvent> text = route(chat(provider.name(), model, List.of()));
            assertThat(text.getFirst())
                    .as(provider.name())
                    .isInstanceOfSatisfying(
                            RouteEvent.Routed.class, r -> assertThat(r.family()).isEqualTo(provider.family()));
            assertThat(text.getLast())
                    .as("%s: %s", provider.name(), text.getLast())
                    .isInstanceOf(RouteEvent.Completed.class);
            Usage usage = ((RouteEvent.Completed) text.getLast()).usage();
            assertThat(usage.source()).as(provider.name()).isEqualTo(Usage.SOURCE_PROVIDER);
            assertThat(usage.completionTokens()).as(provider.name()).isPositive();
            assertThat(text)
                    .filteredOn(e -> e instanceof RouteEvent.Delta d && d.content() != null)
                    .as(provider.name())
                    .isNotEmpty();

            List<RouteEvent> call =
                    route(chat(provider.name(), model, List.of(new Tool("lookup", "Looks up", json(LOOKUP)))));
            assertThat(call.getLast())
                    .as("%s: %s", provider.name(), call.getLast())
                    .isInstanceOf(RouteEvent.Completed.class);
            assertThat(call).contains(new RouteEvent.Finished("tool_calls"));
            Map<Integer, StringBuilder> arguments = new LinkedHashMap<>();
            Map<Integer, String> names = new LinkedHashMap<>();
            for (RouteEvent event : call) {
                if (event instanceof RouteEvent.Delta d) {
                    for (ToolCallDelta fragment : d.toolCalls()) {
                        arguments
                                .computeIfAbsent(fragment.index(), i -> new StringBuilder())
                                .append(fragment.arguments() == null ? "" : fragment.arguments());
                        if (fragment.name() != null) {
                            names.put(fragment.index(), fragment.name());
                        }
                    }
                }
            }
            assertThat(names).as(provider.name()).containsEntry(0, "lookup");
            assertThat(json(arguments.get(0).toString()).path("query").isTextual())
                    .as("%s arguments %s", provider.name(), arguments)
                    .isTrue();
            assertThat(SimulatorResource.simulator().unauthorized(provider.name()))
                    .as(provider.name())
                    .isEqualTo(unauthorized);
        }
    }

    private static RouteRequest chat(String provider, String model, List<Tool> tools) {
        RoutingPreferences only = new RoutingPreferences(
                List.of(), true, false, false, false, List.of(provider), List.of(), List.of(), null, null, null);
        ChatRequest chat = new ChatRequest(
                List.of(model),
                List.of(ChatMessage.text(ChatMessage.Role.USER, "Find the weather")),
                Sampling.DEFAULT.withMaxTokens(2048),
                tools,
                null,
                null,
                null,
                null,
                true,
                null,
                only);
        String generation = "gen-" + UUID.randomUUID();
        return new RouteRequest(
                generation,
                new AuthContext(
                        UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(),
                        generation,
                        100_000_000L,
                        AccountPreferences.NONE),
                chat);
    }

    private static List<RouteEvent> route(RouteRequest request) {
        String body = given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON)
                .body(WireCodec.encode(request))
                .post("/internal/v1/chat")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<RouteEvent> events = new ArrayList<>();
        body.lines().forEach(line -> events.add(WireCodec.decodeEvent(line.getBytes(StandardCharsets.UTF_8))));
        return events;
    }

    private static JsonNode json(String text) {
        try {
            return WireCodec.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
