package dev.switchboard.wire;

import java.math.BigDecimal;

/** Conversions between integer nano-USD (1e-9 USD), the unit of every amount, and USD decimals. */
public final class Money {

    private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

    private Money() {}

    /** Parses a USD amount ("10.50") into nano-USD, exactly; finer than a nano-dollar is an error. */
    public static long nanosFromUsd(String usd) {
        BigDecimal value = new BigDecimal(usd.trim());
        try {
            return value.multiply(NANOS_PER_USD).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount " + usd + " is finer than a nano-dollar or too large", e);
        }
    }

    /** nano-USD as an exact USD decimal, for the public API (which reports cost as a JSON number). */
    public static BigDecimal usd(long nanos) {
        BigDecimal value = BigDecimal.valueOf(nanos).divide(NANOS_PER_USD).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0) : value;
    }
}
