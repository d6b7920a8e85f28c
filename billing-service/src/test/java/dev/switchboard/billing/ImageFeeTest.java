package dev.switchboard.billing;

import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** An endpoint with a per-image fee: each input image of the request is billed once, on top of the tokens. */
@QuarkusTest
@TestProfile(ImageFeeTest.VisionCatalog.class)
class ImageFeeTest {

    public static class VisionCatalog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.catalog.path",
                    Path.of("src/test/resources/catalog-image-fee.yaml")
                            .toAbsolutePath()
                            .toString());
        }
    }

    @Test
    void eachInputImageIsBilledAtTheEndpointsFee() {
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 usage = new UsageV1(
                generation,
                0,
                true,
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                generation,
                "acme/vision",
                "acme/vision",
                "acme",
                "vision-1",
                "success",
                "stop",
                null,
                true,
                1000,
                100,
                0,
                0,
                "provider",
                0L,
                List.of(),
                50L,
                100L,
                Instant.now(),
                Instant.now(),
                "weighted",
                3,
                null);
        CloudEvent<UsageV1> event =
                CloudEvent.of(UsageV1.TYPE, usage.eventId(), "/test", generation, Instant.now(), usage);
        TopicProbe.send(KafkaResource.bootstrapServers(), Topics.USAGE, generation, EventCodec.encode(event));

        // 1000 prompt tokens at 1,000,000 pico + 100 completion at 2,000,000 pico = 1,200,000 nano; 3 images at
        // 2,000,000 nano
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + generation)
                        .then()
                        .statusCode(200)
                        .body("images", equalTo(3))
                        .body("cost_nanos", equalTo(7_200_000)));
    }
}
