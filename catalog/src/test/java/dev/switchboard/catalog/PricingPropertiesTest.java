package dev.switchboard.catalog;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Properties of the pricing arithmetic, each checked over {@value #CASES} generated cases from a fixed
 * seed (a failure names its case, and the same seed reproduces it) against a reference computed in
 * {@link BigInteger}: the exact cost rounded once, half up; sums of parts that equal the whole within
 * that one rounding; overflow that throws instead of wrapping; holds that cover every cost they can
 * meet; tiny prices that are not lost.
 */
class PricingPropertiesTest {

    private static final int CASES = 20_000;
    private static final long SEED = 20261207L;
    private static final BigInteger THOUSAND = BigInteger.valueOf(1000);

    /** A generated case: prices, token counts and images, as they can arrive. */
    private record Case(Prices prices, int prompt, int completion, int cached, int reasoning, int images) {}

    private static Case generate(SplittableRandom random, long maxPico, int maxTokens) {
        Prices prices = new Prices(
                price(random, maxPico),
                price(random, maxPico),
                price(random, maxPico),
                price(random, maxPico),
                random.nextInt(4) == 0 ? random.nextLong(10_000_000L) : 0,
                random.nextInt(4) == 0 ? random.nextLong(10_000_000L) : 0);
        int prompt = tokens(random, maxTokens);
        int completion = tokens(random, maxTokens);
        return new Case(
                prices,
                prompt,
                completion,
                // cached and reasoning may exceed their totals when a provider reports them so: capped, not trusted
                tokens(random, maxTokens),
                tokens(random, maxTokens),
                random.nextInt(8) == 0 ? random.nextInt(16) : 0);
    }

    /** Prices as catalogs have them: often zero or tiny, sometimes large. */
    private static long price(SplittableRandom random, long max) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextLong(1, 100);
            default -> random.nextLong(0, max + 1);
        };
    }

    private static int tokens(SplittableRandom random, int max) {
        return random.nextInt(5) == 0 ? random.nextInt(4) : (int) random.nextLong(0, (long) max + 1);
    }

    /** The cost in exact arithmetic: picos summed, rounded once half up to nanos, plus the fees. */
    private static BigInteger reference(Case c) {
        long cached = Math.min(c.cached(), c.prompt());
        long reasoning = Math.min(c.reasoning(), c.completion());
        BigInteger pico = BigInteger.valueOf(c.prompt() - cached)
                .multiply(BigInteger.valueOf(c.prices().promptPico()))
                .add(BigInteger.valueOf(cached)
                        .multiply(BigInteger.valueOf(c.prices().cachedPromptPico())))
                .add(BigInteger.valueOf(c.completion() - reasoning)
                        .multiply(BigInteger.valueOf(c.prices().completionPico())))
                .add(BigInteger.valueOf(reasoning)
                        .multiply(BigInteger.valueOf(c.prices().reasoningPico())));
        BigInteger nanos = pico.add(BigInteger.valueOf(500)).divide(THOUSAND);
        return nanos.add(BigInteger.valueOf(c.prices().requestNanos()))
                .add(BigInteger.valueOf(c.images())
                        .multiply(BigInteger.valueOf(c.prices().imageNanos())));
    }

    private static long cost(Case c) {
        return Pricing.costNanos(c.prices(), c.prompt(), c.completion(), c.cached(), c.reasoning(), c.images());
    }

    @Test
    void theCostIsTheExactSumRoundedOnceHalfUp() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < CASES; i++) {
            // up to 1,000 USD per million tokens and 2 M tokens per field: far from overflow
            Case c = generate(random, 1_000_000_000L, 2_000_000);
            assertThat(BigInteger.valueOf(cost(c))).as("case %d: %s", i, c).isEqualTo(reference(c));
        }
    }

    @Test
    void anOverflowThrowsAndNeverWraps() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        int threw = 0;
        for (int i = 0; i < CASES; i++) {
            // prices up to Long.MAX / 2^20 pico per token and counts up to Integer.MAX: many overflow
            Case c = generate(random, Long.MAX_VALUE >> 20, Integer.MAX_VALUE);
            BigInteger exact = reference(c);
            if (exact.bitLength() < 63 && fitsEveryStep(c)) {
                assertThat(BigInteger.valueOf(cost(c))).as("case %d: %s", i, c).isEqualTo(exact);
            } else {
                try {
                    long wrapped = cost(c);
                    // a step may overflow although the total would not: then the total must still be right
                    assertThat(BigInteger.valueOf(wrapped))
                            .as("case %d: %s", i, c)
                            .isEqualTo(exact);
                } catch (ArithmeticException expected) {
                    threw++;
                }
            }
        }
        assertThat(threw).as("cases that overflowed").isPositive();
    }

    /** Whether every intermediate pico sum fits a long (so the exact method cannot throw). */
    private static boolean fitsEveryStep(Case c) {
        long cached = Math.min(c.cached(), c.prompt());
        long reasoning = Math.min(c.reasoning(), c.completion());
        BigInteger sum = BigInteger.ZERO;
        long[][] parts = {
            {c.prompt() - cached, c.prices().promptPico()},
            {cached, c.prices().cachedPromptPico()},
            {c.completion() - reasoning, c.prices().completionPico()},
            {reasoning, c.prices().reasoningPico()}
        };
        for (long[] part : parts) {
            BigInteger product = BigInteger.valueOf(part[0]).multiply(BigInteger.valueOf(part[1]));
            sum = sum.add(product);
            if (product.bitLength() >= 63 || sum.bitLength() >= 63) {
                return false;
            }
        }
        return sum.add(BigInteger.valueOf(500)).bitLength() < 63
                && BigInteger.valueOf(c.images())
                                .multiply(BigInteger.valueOf(c.prices().imageNanos()))
                                .bitLength()
                        < 63;
    }

    @Test
    void splittingARequestsTokensChangesItsCostByAtMostTheOneRounding() {
        SplittableRandom random = new SplittableRandom(SEED + 2);
        for (int i = 0; i < CASES; i++) {
            Case c = generate(random, 1_000_000_000L, 1_000_000);
            Prices noFees = new Prices(
                    c.prices().promptPico(),
                    c.prices().completionPico(),
                    c.prices().cachedPromptPico(),
                    c.prices().reasoningPico(),
                    0,
                    0);
            int firstPrompt = random.nextInt(c.prompt() + 1);
            int firstCompletion = random.nextInt(c.completion() + 1);
            long whole = Pricing.costNanos(noFees, c.prompt(), c.completion(), 0, 0);
            long parts = Pricing.costNanos(noFees, firstPrompt, firstCompletion, 0, 0)
                    + Pricing.costNanos(noFees, c.prompt() - firstPrompt, c.completion() - firstCompletion, 0, 0);
            assertThat(Math.abs(whole - parts)).as("case %d: %s", i, c).isLessThanOrEqualTo(1);
            // parts that are whole nanos add up exactly
            Prices nanoPrices =
                    new Prices(noFees.promptPico() / 1000 * 1000, noFees.completionPico() / 1000 * 1000, 0, 0, 0, 0);
            assertThat(Pricing.costNanos(nanoPrices, firstPrompt, firstCompletion, 0, 0)
                            + Pricing.costNanos(
                                    nanoPrices, c.prompt() - firstPrompt, c.completion() - firstCompletion, 0, 0))
                    .isEqualTo(Pricing.costNanos(nanoPrices, c.prompt(), c.completion(), 0, 0));
        }
    }

    @Test
    void moreTokensNeverCostLess() {
        SplittableRandom random = new SplittableRandom(SEED + 3);
        for (int i = 0; i < CASES; i++) {
            Case c = generate(random, 1_000_000_000L, 1_000_000);
            long base = cost(c);
            assertThat(Pricing.costNanos(
                            c.prices(), c.prompt() + 1, c.completion(), c.cached(), c.reasoning(), c.images()))
                    .as("case %d: %s", i, c)
                    .isGreaterThanOrEqualTo(base);
            assertThat(Pricing.costNanos(
                            c.prices(), c.prompt(), c.completion() + 1, c.cached(), c.reasoning(), c.images()))
                    .as("case %d: %s", i, c)
                    .isGreaterThanOrEqualTo(base);
        }
    }

    @Test
    void aHoldCoversEveryCostItCanMeet() {
        SplittableRandom random = new SplittableRandom(SEED + 4);
        for (int i = 0; i < CASES; i++) {
            Case c = generate(random, 1_000_000_000L, 1_000_000);
            int maxOutput = c.completion() + random.nextInt(1000);
            long hold = Pricing.worstCaseNanos(c.prices(), c.prompt(), maxOutput, c.images());
            assertThat(hold).as("case %d: %s, max output %d", i, c, maxOutput).isGreaterThanOrEqualTo(cost(c));
        }
    }

    @Test
    void tinyPricesAreNotLost() {
        // 0.02 USD per million tokens is 20,000 pico a token: one token costs 20 nano-USD
        long twoCents = Pricing.picoPerTokenFromUsdPerMillion("0.02");
        assertThat(twoCents).isEqualTo(20_000L);
        assertThat(Pricing.costNanos(new Prices(twoCents, twoCents, 0, 0, 0), 1, 0, 0, 0))
                .isEqualTo(20L);

        SplittableRandom random = new SplittableRandom(SEED + 5);
        for (int i = 0; i < CASES; i++) {
            // any price with up to six decimals per million, and a million tokens of it, cost its exact USD
            long micro = random.nextLong(0, 100_000_000L); // up to 100 USD per million, in millionths
            String quoted = BigDecimal.valueOf(micro, 6).toPlainString();
            long pico = Pricing.picoPerTokenFromUsdPerMillion(quoted);
            assertThat(Pricing.costNanos(new Prices(pico, 0, 0, 0, 0), 1_000_000, 0, 0, 0))
                    .as("%s USD per million", quoted)
                    .isEqualTo(micro * 1000);
            assertThat(Pricing.usdPerMillion(pico)).isEqualByComparingTo(new BigDecimal(quoted));
        }
    }

    @Test
    void negativeCountsAreRefused() {
        Prices prices = new Prices(1, 1, 1, 1, 0);
        assertThatThrownBy(() -> Pricing.costNanos(prices, -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pricing.costNanos(prices, 0, 0, 0, 0, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
