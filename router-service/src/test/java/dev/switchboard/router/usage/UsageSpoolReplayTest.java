package dev.switchboard.router.usage;

import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.GoldenEvents;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.Events;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A router killed with usage events in its spool that Kafka had not acknowledged: the next router on
 * that directory sends them at start, trace headers included, and deletes the segment once they are
 * acknowledged.
 */
@QuarkusTest
@TestProfile(UsageSpoolReplayTest.KilledRouterSpool.class)
class UsageSpoolReplayTest {

    static final String GENERATION = "gen-spooled-" + UUID.randomUUID();
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static Path dir;

    /** The spool a killed router left: one usage event written, never sent. */
    public static class KilledRouterSpool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                dir = Files.createTempDirectory("usage-spool-killed");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            UsageV1 usage = Events.with(
                    GoldenEvents.read(Topics.USAGE, UsageV1.class).data(),
                    "generation_id",
                    GENERATION,
                    "hold_id",
                    GENERATION);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    Topics.USAGE,
                    GENERATION,
                    EventCodec.encode(CloudEvent.of(
                            UsageV1.TYPE,
                            usage.eventId(),
                            UsagePublisher.SOURCE,
                            GENERATION,
                            usage.completedAt(),
                            usage)));
            record.headers()
                    .add("traceparent", ("00-" + TRACE + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
            UsageSpool spool = UsageSpool.open(dir, 1 << 20);
            spool.append(SpooledRecord.encode(record));
            try {
                spool.abandon();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("switchboard.router.usage.spool-dir", dir.toString());
        }
    }

    @Test
    void theEventsOfAKilledRouterAreSentAtTheNextStart() throws IOException {
        var record = TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.USAGE,
                        r -> GENERATION.equals(r.key()),
                        Duration.ofSeconds(20))
                .orElseThrow(() -> new AssertionError("the spooled event never reached Kafka"));
        UsageV1 usage =
                EventCodec.decode(record.value(), UsageV1.TYPE, UsageV1.class).data();
        assertThat(usage.generationId()).isEqualTo(GENERATION);
        assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .contains(TRACE);
        // acknowledged: the leftover segment is gone
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir.resolve("00000000000000000000.spool")));
    }
}
