package dev.switchboard.simulator;

import java.util.SplittableRandom;

/** Deterministic identifiers: the same seed gives the same id, so answers are reproducible. */
public final class Ids {

    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private Ids() {}

    public static String alphanumeric(long seed, int length) {
        var random = new SplittableRandom(seed);
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return out.toString();
    }
}
