package dev.switchboard.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsoInstantsTest {

    private static final ObjectMapper JSON = EventCodec.mapper();

    @Test
    void readsWhatInstantToStringWritesExactly() {
        SplittableRandom random = new SplittableRandom(7);
        long from = Instant.parse("1970-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            // whole seconds, milliseconds, microseconds and nanoseconds, as toString() shortens them
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(from, to), nanos);
            assertThat(IsoInstants.parse(instant.toString()))
                    .as(instant.toString())
                    .isEqualTo(instant);
        }
    }

    @Test
    void leapDaysAndMonthEnds() {
        for (String text : new String[] {
            "2024-02-29T23:59:59.999Z", "2000-02-29T00:00:00Z", "2026-12-31T23:59:59.1Z", "1970-01-01T00:00:00Z"
        }) {
            assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void anyOtherFormIsLeftToJacksonsParser() {
        for (String text : new String[] {
            "2026-02-29T00:00:00Z", // no such day
            "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00.1234567890Z",
            "2026-01-01T00:00:00+01:00",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00",
            "+12026-01-01T00:00:00Z",
            "2026-0a-01T00:00:00Z"
        }) {
            assertThat(IsoInstants.parse(text)).as(text).isNull();
        }
    }

    @Test
    void theMapperReadsBothFormsAndRefusesNonsense() throws Exception {
        assertThat(JSON.readValue("\"2026-12-08T01:02:03.456Z\"", Instant.class))
                .isEqualTo(Instant.parse("2026-12-08T01:02:03.456Z"));
        // an offset is not the events' form, but Jackson's parser takes it as before
        assertThat(JSON.readValue("\"2026-12-08T02:02:03.456+01:00\"", Instant.class))
                .isEqualTo(Instant.parse("2026-12-08T01:02:03.456Z"));
        assertThat(JSON.readValue("1765155723.456", Instant.class))
                .isEqualTo(Instant.ofEpochSecond(1765155723, 456_000_000));
        assertThatThrownBy(() -> JSON.readValue("\"2026-02-29T00:00:00Z\"", Instant.class))
                .isInstanceOf(java.io.IOException.class);
    }
}
