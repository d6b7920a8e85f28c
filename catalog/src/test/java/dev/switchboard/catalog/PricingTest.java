package dev.switchboard.catalog;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PricingTest {

    // gpt-4o-mini: $0.15 / $0.60 per million, cached $0.075
    private final Prices mini = new Prices(150_000, 600_000, 75_000, 600_000, 0);

    @Test
    void pricesPerMillionBecomeExactPicoPerToken() {
        assertThat(Pricing.picoPerTokenFromUsdPerMillion("0.15")).isEqualTo(150_000L);
        assertThat(Pricing.picoPerTokenFromUsdPerMillion("0.0375")).isEqualTo(37_500L);
        assertThat(Pricing.picoPerTokenFromUsdPerMillion("15")).isEqualTo(15_000_000L);
        assertThat(Pricing.picoPerTokenFromUsdPerMillion("0.000001")).isEqualTo(1L);
        assertThatThrownBy(() -> Pricing.picoPerTokenFromUsdPerMillion("0.0000001"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pricing.picoPerTokenFromUsdPerMillion("-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void costIsExactInNanoUsd() {
        // 12 prompt tokens * 150,000 pico + 48 completion * 600,000 pico = 30,600,000 pico = 30,600 nano
        assertThat(Pricing.costNanos(mini, 12, 48, 0, 0)).isEqualTo(30_600L);
        // a million prompt tokens cost exactly the list price
        assertThat(Pricing.costNanos(mini, 1_000_000, 0, 0, 0)).isEqualTo(150_000_000L);
    }

    @Test
    void theBreakdownSplitsTheCostTheWayItIsCharged() {
        // 1000 prompt tokens of which 500 cached, 48 completion tokens
        Pricing.Breakdown b = Pricing.breakdown(mini, 1000, 48, 500, 0, 0);
        assertThat(b.promptNanos()).isEqualTo(75_000L);
        assertThat(b.cachedPromptNanos()).isEqualTo(37_500L);
        assertThat(b.completionNanos()).isEqualTo(28_800L);
        assertThat(b.promptNanos()
                        + b.cachedPromptNanos()
                        + b.completionNanos()
                        + b.reasoningNanos()
                        + b.requestNanos()
                        + b.imageNanos())
                .isEqualTo(Pricing.costNanos(mini, 1000, 48, 500, 0));
    }

    @Test
    void cachedTokensArePartOfPromptAndPricedAtTheCachedRate() {
        long full = Pricing.costNanos(mini, 1000, 0, 0, 0);
        long halfCached = Pricing.costNanos(mini, 1000, 0, 500, 0);
        assertThat(full).isEqualTo(150_000L);
        assertThat(halfCached).isEqualTo(75_000L + 37_500L);
    }

    @Test
    void roundingIsHalfUpOnlyAtTheLastStep() {
        Prices tiny = new Prices(1, 1, 1, 1, 0); // 1 pico per token
        assertThat(Pricing.costNanos(tiny, 499, 0, 0, 0)).isZero();
        assertThat(Pricing.costNanos(tiny, 500, 0, 0, 0)).isEqualTo(1L);
        assertThat(Pricing.costNanos(tiny, 1499, 0, 0, 0)).isEqualTo(1L);
    }

    @Test
    void worstCaseRoundsUpAndCoversTheRealCost() {
        Prices tiny = new Prices(1, 1, 1, 1, 0);
        assertThat(Pricing.worstCaseNanos(tiny, 1, 0)).isEqualTo(1L);
        for (int completion = 0; completion <= 300; completion += 7) {
            assertThat(Pricing.worstCaseNanos(mini, 100, 300))
                    .isGreaterThanOrEqualTo(Pricing.costNanos(mini, 100, completion, 0, 0));
        }
    }

    @Test
    void perRequestFeeIsAdded() {
        Prices withFee = new Prices(0, 0, 0, 0, dev.switchboard.wire.Money.nanosFromUsd("0.005"));
        assertThat(Pricing.costNanos(withFee, 10, 10, 0, 0)).isEqualTo(5_000_000L);
    }

    @Test
    void overflowIsAnErrorNotAWrongNumber() {
        Prices absurd = new Prices(Long.MAX_VALUE / 2, 0, 0, 0, 0);
        assertThatThrownBy(() -> Pricing.costNanos(absurd, 1000, 0, 0, 0)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void usdConversionsAreExact() {
        assertThat(dev.switchboard.wire.Money.usd(30_600L)).isEqualByComparingTo(new BigDecimal("0.0000306"));
        assertThat(dev.switchboard.wire.Money.usd(10_000_000_000L).toPlainString())
                .isEqualTo("10");
        assertThat(Pricing.usdPerToken(150_000L)).isEqualTo("0.00000015");
        assertThat(Pricing.usdPerMillion(37_500L)).isEqualByComparingTo("0.0375");
    }

    @Test
    void aPerImageFeeIsAddedOncePerInputImage() {
        Prices vision = new Prices(
                1_000_000, 2_000_000, 1_000_000, 2_000_000, 0, dev.switchboard.wire.Money.nanosFromUsd("0.002"));
        assertThat(Pricing.costNanos(vision, 1000, 100, 0, 0, 3)).isEqualTo(1_200_000L + 3 * 2_000_000L);
        assertThat(Pricing.costNanos(vision, 1000, 100, 0, 0)).isEqualTo(1_200_000L);
        assertThat(Pricing.worstCaseNanos(vision, 1000, 100, 2)).isEqualTo(1_200_000L + 2 * 2_000_000L);
        assertThat(Pricing.costNanos(mini, 1000, 100, 0, 0, 5)).isEqualTo(Pricing.costNanos(mini, 1000, 100, 0, 0));
    }
}
