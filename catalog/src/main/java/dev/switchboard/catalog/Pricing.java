package dev.switchboard.catalog;

import java.math.BigDecimal;

/**
 * Exact cost arithmetic. Amounts are integers: pico-USD per token in, nano-USD out. The only
 * rounding is the final pico → nano step (half up), so a cost never drifts by more than half a
 * nano-dollar whatever the token counts.
 */
public final class Pricing {

    private static final BigDecimal PICO_PER_USD_PER_MILLION = BigDecimal.valueOf(1_000_000L);

    private Pricing() {}

    /**
     * Cost in nano-USD. As in OpenAI's usage object, cached prompt tokens are part of
     * {@code promptTokens} and reasoning tokens part of {@code completionTokens}.
     */
    public static long costNanos(
            Prices prices, int promptTokens, int completionTokens, int cachedPromptTokens, int reasoningTokens) {
        return costNanos(prices, promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, 0);
    }

    /** Cost in nano-USD, with the endpoint's per-image fee (if any) on {@code images} input images. */
    public static long costNanos(
            Prices prices,
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            int images) {
        if (promptTokens < 0 || completionTokens < 0 || cachedPromptTokens < 0 || reasoningTokens < 0 || images < 0) {
            throw new IllegalArgumentException("token and image counts must not be negative");
        }
        long cached = Math.min(cachedPromptTokens, promptTokens);
        long reasoning = Math.min(reasoningTokens, completionTokens);
        long pico = Math.multiplyExact(promptTokens - cached, prices.promptPico());
        pico = Math.addExact(pico, Math.multiplyExact(cached, prices.cachedPromptPico()));
        pico = Math.addExact(pico, Math.multiplyExact(completionTokens - reasoning, prices.completionPico()));
        pico = Math.addExact(pico, Math.multiplyExact(reasoning, prices.reasoningPico()));
        return Math.addExact(
                Math.addExact(Math.floorDiv(Math.addExact(pico, 500L), 1000L), prices.requestNanos()),
                Math.multiplyExact((long) images, prices.imageNanos()));
    }

    /**
     * A cost's parts in nano-USD, for display: each part is rounded on its own (half up), so the
     * parts can add up to {@link #costNanos} ± a few nano-dollars; the charge is always {@link #costNanos}.
     */
    public record Breakdown(
            long promptNanos,
            long cachedPromptNanos,
            long completionNanos,
            long reasoningNanos,
            long requestNanos,
            long imageNanos) {}

    /** The parts of {@link #costNanos(Prices, int, int, int, int, int)}, counted the same way. */
    public static Breakdown breakdown(
            Prices prices,
            int promptTokens,
            int completionTokens,
            int cachedPromptTokens,
            int reasoningTokens,
            int images) {
        long cached = Math.max(0, Math.min(cachedPromptTokens, promptTokens));
        long reasoning = Math.max(0, Math.min(reasoningTokens, completionTokens));
        return new Breakdown(
                nanos(Math.multiplyExact(Math.max(0, promptTokens - cached), prices.promptPico())),
                nanos(Math.multiplyExact(cached, prices.cachedPromptPico())),
                nanos(Math.multiplyExact(Math.max(0, completionTokens - reasoning), prices.completionPico())),
                nanos(Math.multiplyExact(reasoning, prices.reasoningPico())),
                prices.requestNanos(),
                Math.multiplyExact((long) Math.max(0, images), prices.imageNanos()));
    }

    private static long nanos(long pico) {
        return Math.floorDiv(Math.addExact(pico, 500L), 1000L);
    }

    /**
     * The most a request can cost: every prompt token at the dearer of the prompt and cached prices,
     * {@code maxOutputTokens} produced at the dearer output price.
     */
    public static long worstCaseNanos(Prices prices, int promptTokens, int maxOutputTokens) {
        return worstCaseNanos(prices, promptTokens, maxOutputTokens, 0);
    }

    /** {@link #worstCaseNanos(Prices, int, int)} plus the per-image fee on {@code images} input images. */
    public static long worstCaseNanos(Prices prices, int promptTokens, int maxOutputTokens, int images) {
        long outputPico = Math.max(prices.completionPico(), prices.reasoningPico());
        // a cached token is cheaper in every catalog, but a hold must not depend on it
        long promptPico = Math.max(prices.promptPico(), prices.cachedPromptPico());
        long pico = Math.addExact(
                Math.multiplyExact((long) promptTokens, promptPico),
                Math.multiplyExact((long) maxOutputTokens, outputPico));
        // Round up: a hold must cover the cost.
        return Math.addExact(
                Math.addExact(Math.floorDiv(Math.addExact(pico, 999L), 1000L), prices.requestNanos()),
                Math.multiplyExact((long) images, prices.imageNanos()));
    }

    /** Parses a price quoted in USD per million tokens ("0.15") into pico-USD per token, exactly. */
    public static long picoPerTokenFromUsdPerMillion(String usdPerMillion) {
        BigDecimal value = new BigDecimal(usdPerMillion.trim());
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative price " + usdPerMillion);
        }
        try {
            return value.multiply(PICO_PER_USD_PER_MILLION).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "price " + usdPerMillion + " has more than 6 decimals per million tokens", e);
        }
    }

    /** USD per million tokens for display, from pico-USD per token. */
    public static BigDecimal usdPerMillion(long picoPerToken) {
        return BigDecimal.valueOf(picoPerToken).divide(PICO_PER_USD_PER_MILLION).stripTrailingZeros();
    }

    /** USD per token for display (OpenRouter's pricing shape), from pico-USD per token. */
    public static String usdPerToken(long picoPerToken) {
        return BigDecimal.valueOf(picoPerToken)
                .movePointLeft(12)
                .stripTrailingZeros()
                .toPlainString();
    }
}
