package dev.switchboard.router.usage;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When a long stream's interim usage events are due and what each says was billed before it. */
class InterimUsageTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void oneIsDueEachIntervalWithOutputSinceTheLastAndEachNamesTheOneBefore() {
        InterimUsage interim = new InterimUsage(Duration.ofSeconds(15), 0);

        assertThat(interim.due(14 * SECOND, 10, 40, 0, () -> 100)).isNull();
        InterimUsage.Interim first = interim.due(15 * SECOND, 10, 50, 1, () -> 120);
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.before()).isNull();
        assertThat(first.usage().completionTokens()).isEqualTo(50);
        assertThat(first.usage().images()).isEqualTo(1);
        assertThat(first.usage().estimatedCostNanos()).isEqualTo(120);
        // the interval counts from the last event, not from the start
        assertThat(interim.due(29 * SECOND, 10, 90, 1, () -> 200)).isNull();
        InterimUsage.Interim second = interim.due(30 * SECOND, 10, 95, 1, () -> 210);
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.before()).isEqualTo(first.usage());
        assertThat(interim.billedBefore()).isEqualTo(second.usage());
    }

    @Test
    void noneIsDueWhileNoOutputCameSinceTheLast() {
        InterimUsage interim = new InterimUsage(Duration.ofSeconds(1), 0);
        assertThat(interim.due(SECOND, 10, 0, 0, () -> 5)).isNull();
        assertThat(interim.due(2 * SECOND, 10, 5, 0, () -> 8)).isNotNull();
        assertThat(interim.due(4 * SECOND, 10, 5, 0, () -> 8)).isNull();
    }

    @Test
    void aZeroIntervalPublishesOnlyTheFinalEvent() {
        InterimUsage interim = new InterimUsage(Duration.ZERO, 0);
        assertThat(interim.due(3600 * SECOND, 10, 5_000, 0, () -> 1_000)).isNull();
        assertThat(interim.billedBefore()).isNull();
    }
}
