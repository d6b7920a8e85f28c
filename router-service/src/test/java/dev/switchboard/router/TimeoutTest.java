package dev.switchboard.router;

import dev.switchboard.simulator.Behaviour;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.RouteRequests;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.WireCodec;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A provider that does not answer within the idle timeout is a TIMEOUT (the edge's 408). */
@QuarkusTest
@TestProfile(TimeoutTest.ShortTimeouts.class)
class TimeoutTest {

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.router.upstream.idle-timeout", "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(KafkaResource.class),
                    new TestResourceEntry(RedisResource.class),
                    new TestResourceEntry(SimulatorResource.class));
        }
    }

    @AfterEach
    void reset() {
        SimulatorResource.simulator().behave("openai", Behaviour.DEFAULT);
        SimulatorResource.simulator().behave("azure", Behaviour.DEFAULT);
    }

    @Test
    void aSilentProviderTimesOut() {
        // both endpoints of the model (OpenAI, Azure) stay silent
        SimulatorResource.simulator().behave("openai", new Behaviour(3_000, 1, 5, 0, 0, 0, 0));
        SimulatorResource.simulator().behave("azure", new Behaviour(3_000, 1, 5, 0, 0, 0, 0));
        String generation = "gen-" + UUID.randomUUID();
        RouteRequest request = RouteRequests.shortChat(generation, "openai/gpt-4o-mini", null);
        String body = given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON)
                .body(WireCodec.encode(request))
                .post("/internal/v1/chat")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<RouteEvent> events = body.lines()
                .map(l -> WireCodec.decodeEvent(l.getBytes(StandardCharsets.UTF_8)))
                .toList();
        RouteEvent.Failed failed = (RouteEvent.Failed) events.getLast();
        assertThat(failed.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(failed.errorClass().httpStatus()).isEqualTo(408);
    }
}
