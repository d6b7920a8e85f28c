package dev.switchboard.catalog;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

import java.math.BigDecimal;
import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Properties of the pricing arithmetic (jqwik: each property over {@value #TRIES} generated cases; a
 * failure is shrunk to its smallest case and reported with the seed that reproduces it), against a
 * reference computed in {@link BigInteger}: the exact cost rounded once, half up; sums of parts that
 * equal the whole within that one rounding; overflow that throws instead of wrapping; holds that cover
 * every cost they can meet; tiny prices that are not lost.
 */
class PricingPropertiesTest {

    private static final int TRIES = 5_000;
    private static final BigInteger THOUSAND = BigInteger.valueOf(1000);

    /** A generated case: prices, token counts and images, as they can arrive. */
    record Case(Prices prices, int prompt, int completion, int cached, int reasoning, int images) {}

    /** Up to 1,000 USD per million tokens and 2 M tokens per field: far from overflow. */
    @Provide
    Arbitrary<Case> modest() {
        return cases(1_000_000_000L, 2_000_000, RandomDistribution.biased());
    }

    /** Prices up to Long.MAX / 2^20 pico per token and counts up to Integer.MAX: many overflow. */
    @Provide
    Arbitrary<Case> huge() {
        // uniform: jqwik's default bias towards 0 would leave almost no case that overflows
        return cases(Long.MAX_VALUE >> 20, Integer.MAX_VALUE, RandomDistribution.uniform());
    }

    private static Arbitrary<Case> cases(long maxPico, int maxTokens, RandomDistribution distribution) {
        Arbitrary<Prices> prices = Combinators.combine(
                        price(maxPico, distribution),
                        price(maxPico, distribution),
                        price(maxPico, distribution),
                        price(maxPico, distribution),
                        fee(),
                        fee())
                .as(Prices::new);
        Arbitrary<Integer> images = Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(0, 15)));
        // cached and reasoning may exceed their totals when a provider reports them so: capped, not trusted
        return Combinators.combine(
                        prices,
                        tokens(maxTokens, distribution),
                        tokens(maxTokens, distribution),
                        tokens(maxTokens, distribution),
                        tokens(maxTokens, distribution),
                        images)
                .as(Case::new);
    }

    /** Prices as catalogs have them: often zero or tiny, sometimes large. */
    private static Arbitrary<Long> price(long max, RandomDistribution distribution) {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.longs().between(1, 99)),
                Tuple.of(2, Arbitraries.longs().between(0, max).withDistribution(distribution)));
    }

    /** A per-request or per-image fee, nano-USD: usually none. */
    private static Arbitrary<Long> fee() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.longs().between(0, 9_999_999L)));
    }

    private static Arbitrary<Integer> tokens(int max, RandomDistribution distribution) {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(0, 3)),
                Tuple.of(4, Arbitraries.integers().between(0, max).withDistribution(distribution)));
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

    private static Prices withoutFees(Prices p) {
        return new Prices(p.promptPico(), p.completionPico(), p.cachedPromptPico(), p.reasoningPico(), 0, 0);
    }

    @Property(tries = TRIES)
    void theCostIsTheExactSumRoundedOnceHalfUp(@ForAll("modest") Case c) {
        assertThat(BigInteger.valueOf(cost(c))).isEqualTo(reference(c));
    }

    /** A cost either is exact or throws: a step may overflow although the total would not, never wrap. */
    @Property(tries = TRIES)
    void anOverflowThrowsAndNeverWraps(@ForAll("huge") Case c) {
        long computed;
        boolean overflows = reference(c).bitLength() >= 63 || !fitsEveryStep(c);
        Statistics.collect(overflows ? "overflows" : "fits");
        // the generator reaches both sides, or the property proves nothing
        Statistics.coverage(coverage -> {
            coverage.check("overflows").percentage(p -> p > 5);
            coverage.check("fits").percentage(p -> p > 5);
        });
        try {
            computed = cost(c);
        } catch (ArithmeticException overflow) {
            assertThat(reference(c).bitLength() >= 63 || !fitsEveryStep(c))
                    .as("threw although every step fits")
                    .isTrue();
            return;
        }
        assertThat(BigInteger.valueOf(computed)).isEqualTo(reference(c));
    }

    @Example
    void aCostPastALongThrows() {
        Prices dear = new Prices(Long.MAX_VALUE >> 20, 0, 0, 0, 0);
        assertThatThrownBy(() -> Pricing.costNanos(dear, Integer.MAX_VALUE, 0, 0, 0))
                .isInstanceOf(ArithmeticException.class);
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

    /** A long stream billed in parts (interim events) costs what it costs whole, within the one rounding. */
    @Property(tries = TRIES)
    void splittingARequestsTokensChangesItsCostByAtMostTheOneRounding(
            @ForAll("modest") Case c,
            @ForAll @DoubleRange(min = 0, max = 1) double promptShare,
            @ForAll @DoubleRange(min = 0, max = 1) double completionShare) {
        Prices noFees = withoutFees(c.prices());
        int firstPrompt = (int) (c.prompt() * promptShare);
        int firstCompletion = (int) (c.completion() * completionShare);
        long whole = Pricing.costNanos(noFees, c.prompt(), c.completion(), 0, 0);
        long parts = Pricing.costNanos(noFees, firstPrompt, firstCompletion, 0, 0)
                + Pricing.costNanos(noFees, c.prompt() - firstPrompt, c.completion() - firstCompletion, 0, 0);
        assertThat(Math.abs(whole - parts)).isLessThanOrEqualTo(1);
        // parts priced in whole nanos add up exactly
        Prices nanoPrices =
                new Prices(noFees.promptPico() / 1000 * 1000, noFees.completionPico() / 1000 * 1000, 0, 0, 0, 0);
        assertThat(Pricing.costNanos(nanoPrices, firstPrompt, firstCompletion, 0, 0)
                        + Pricing.costNanos(
                                nanoPrices, c.prompt() - firstPrompt, c.completion() - firstCompletion, 0, 0))
                .isEqualTo(Pricing.costNanos(nanoPrices, c.prompt(), c.completion(), 0, 0));
    }

    @Property(tries = TRIES)
    void moreTokensNeverCostLess(@ForAll("modest") Case c) {
        long base = cost(c);
        assertThat(Pricing.costNanos(c.prices(), c.prompt() + 1, c.completion(), c.cached(), c.reasoning(), c.images()))
                .isGreaterThanOrEqualTo(base);
        assertThat(Pricing.costNanos(c.prices(), c.prompt(), c.completion() + 1, c.cached(), c.reasoning(), c.images()))
                .isGreaterThanOrEqualTo(base);
    }

    @Property(tries = TRIES)
    void aHoldCoversEveryCostItCanMeet(@ForAll("modest") Case c, @ForAll @IntRange(max = 999) int spareOutput) {
        int maxOutput = c.completion() + spareOutput;
        assertThat(Pricing.worstCaseNanos(c.prices(), c.prompt(), maxOutput, c.images()))
                .isGreaterThanOrEqualTo(cost(c));
    }

    @Example
    void aTokenAtTwoCentsPerMillionCostsTwentyNanos() {
        // 0.02 USD per million tokens is 20,000 pico a token: one token costs 20 nano-USD
        long twoCents = Pricing.picoPerTokenFromUsdPerMillion("0.02");
        assertThat(twoCents).isEqualTo(20_000L);
        assertThat(Pricing.costNanos(new Prices(twoCents, twoCents, 0, 0, 0), 1, 0, 0, 0))
                .isEqualTo(20L);
    }

    /** Any price with up to six decimals per million: a million tokens of it cost its exact USD. */
    @Property(tries = TRIES)
    void tinyPricesAreNotLost(@ForAll @LongRange(max = 99_999_999L) long micro) {
        String quoted = BigDecimal.valueOf(micro, 6).toPlainString();
        long pico = Pricing.picoPerTokenFromUsdPerMillion(quoted);
        assertThat(Pricing.costNanos(new Prices(pico, 0, 0, 0, 0), 1_000_000, 0, 0, 0))
                .as("%s USD per million", quoted)
                .isEqualTo(micro * 1000);
        assertThat(Pricing.usdPerMillion(pico)).isEqualByComparingTo(new BigDecimal(quoted));
    }

    @Example
    void negativeCountsAreRefused() {
        Prices prices = new Prices(1, 1, 1, 1, 0);
        assertThatThrownBy(() -> Pricing.costNanos(prices, -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pricing.costNanos(prices, 0, 0, 0, 0, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
