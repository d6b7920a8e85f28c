package dev.switchboard.events;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoldenEventsTest {

    static Stream<Arguments> topics() {
        return Stream.of(
                Arguments.of(Topics.USAGE, UsageV1.class),
                Arguments.of(Topics.CHARGES, ChargeV1.class),
                Arguments.of(Topics.PROVIDER_HEALTH, ProviderHealthV1.class),
                Arguments.of(Topics.KEY_EVENTS, KeyEventV1.class));
    }

    @ParameterizedTest
    @MethodSource("topics")
    void goldenExampleRoundTripsToTheSameJson(String topic, Class<?> dataType) throws Exception {
        byte[] golden = GoldenEvents.bytes(topic);
        CloudEvent<?> event = EventCodec.decode(golden, topic, dataType);

        JsonNode expected = EventCodec.mapper().readTree(golden);
        JsonNode actual = EventCodec.mapper().readTree(EventCodec.encode(event));

        assertThat(actual).isEqualTo(expected);
        assertThat(event.specversion()).isEqualTo("1.0");
        assertThat(event.type()).isEqualTo(topic);
    }

    @Test
    void aUsageEventCarriesTheClientsAttributionAndOneWrittenBeforeItReadsAsNone() {
        UsageV1 usage = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        assertThat(usage.app()).isEqualTo(new UsageV1.App("https://app.example", "Example App", "user-42"));
        String older = new String(GoldenEvents.bytes(Topics.USAGE), StandardCharsets.UTF_8)
                .replace(
                        ",\n    \"app\": {\"referer\": \"https://app.example\", \"title\": \"Example App\", \"user\": \"user-42\"}",
                        "");
        assertThat(older).doesNotContain("\"app\"");
        assertThat(EventCodec.decode(older.getBytes(StandardCharsets.UTF_8), Topics.USAGE, UsageV1.class)
                        .data()
                        .app())
                .isNull();
        assertThat(UsageV1.App.of(null, null, null)).isNull();
    }

    @Test
    void aUsageEventWrittenBeforeImagesWereCountedReadsAsNoImages() {
        String older = new String(GoldenEvents.bytes(Topics.USAGE), StandardCharsets.UTF_8)
                .replace(",\n    \"images\": 0", "");
        assertThat(older).doesNotContain("images");
        UsageV1 usage = EventCodec.decode(older.getBytes(StandardCharsets.UTF_8), Topics.USAGE, UsageV1.class)
                .data();
        assertThat(usage.images()).isZero();
        assertThat(usage.routing()).isEqualTo("weighted");
    }

    @Test
    void aUsageEventCarriesTheRoutedEndpointsPricesAndOneWrittenBeforeThemReadsAsNone() {
        UsageV1 usage = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        assertThat(usage.prices()).isEqualTo(new UsageV1.Prices(150_000, 600_000, 75_000, 600_000, 0, 0));

        String golden = new String(GoldenEvents.bytes(Topics.USAGE), StandardCharsets.UTF_8);
        String older = golden.substring(0, golden.indexOf(",\n    \"prices\""))
                + golden.substring(golden.indexOf("}\n  }\n}") + 1);
        assertThat(older).doesNotContain("prices");
        UsageV1 before = EventCodec.decode(older.getBytes(StandardCharsets.UTF_8), Topics.USAGE, UsageV1.class)
                .data();
        assertThat(before.prices()).isNull();
        assertThat(before.images()).isZero();
    }

    @Test
    void aUsageEventCarriesSwitchboardsOwnCountAndOneWrittenBeforeItReadsAsNone() {
        UsageV1 usage = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        assertThat(usage.usageSource()).isEqualTo("provider");
        assertThat(usage.counted()).isEqualTo(new UsageV1.Counted(12, 47));

        String golden = new String(GoldenEvents.bytes(Topics.USAGE), StandardCharsets.UTF_8);
        String older = golden.substring(0, golden.indexOf(",\n    \"counted\""))
                + golden.substring(golden.indexOf("}\n  }\n}") + 1);
        assertThat(older).doesNotContain("counted").contains("prices");
        UsageV1 before = EventCodec.decode(older.getBytes(StandardCharsets.UTF_8), Topics.USAGE, UsageV1.class)
                .data();
        assertThat(before.counted()).isNull();
        assertThat(before.prices()).isNotNull();
    }

    @Test
    void aUsageEventSaysWhatWasAskedForAndOneWrittenBeforeItIsAChat() {
        UsageV1 usage = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        assertThat(usage.kind()).isEqualTo(UsageV1.CHAT);

        String older = new String(GoldenEvents.bytes(Topics.USAGE), StandardCharsets.UTF_8)
                .replace("\n    \"kind\": \"chat\",", "");
        assertThat(older).doesNotContain("kind");
        UsageV1 before = EventCodec.decode(older.getBytes(StandardCharsets.UTF_8), Topics.USAGE, UsageV1.class)
                .data();
        assertThat(before.kind()).isNull();
        assertThat(before.embedding()).isFalse();
    }

    @Test
    void usageEventIdIsStableForAGenerationAndSequence() {
        UsageV1 usage = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        assertThat(usage.eventId()).isEqualTo(usage.generationId() + ":0");
        assertThat(ChargeV1.chargeId(usage.generationId(), usage.sequence())).isEqualTo(usage.eventId());
    }

    @Test
    void aRecordOfAnotherTypeIsRejected() {
        byte[] charge = GoldenEvents.bytes(Topics.CHARGES);
        assertThatThrownBy(() -> EventCodec.decode(charge, Topics.USAGE, UsageV1.class))
                .isInstanceOf(EventCodec.MalformedEventException.class)
                .hasMessageContaining("expected type");
    }

    @Test
    void garbageIsRejectedAsMalformed() {
        for (String bad : new String[] {"not json", "[]", "{\"type\":\"switchboard.usage.v1\"}", ""}) {
            assertThatThrownBy(
                            () -> EventCodec.decode(bad.getBytes(StandardCharsets.UTF_8), Topics.USAGE, UsageV1.class))
                    .as(bad)
                    .isInstanceOf(EventCodec.MalformedEventException.class);
        }
    }

    @Test
    void addedFieldsAreIgnored() {
        String withExtra = new String(GoldenEvents.bytes(Topics.KEY_EVENTS), StandardCharsets.UTF_8)
                .replace("\"action\"", "\"added_in_v1_1\": 1, \"action\"");
        assertThat(EventCodec.decode(withExtra.getBytes(StandardCharsets.UTF_8), Topics.KEY_EVENTS, KeyEventV1.class)
                        .data()
                        .action())
                .isEqualTo("revoked");
    }
}
