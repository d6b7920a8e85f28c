package dev.switchboard.edge.service;

import java.security.SecureRandom;

/** Generation ids in OpenRouter's form: {@code gen-<epoch seconds>-<20 random alphanumerics>}. */
public final class GenerationIds {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private GenerationIds() {}

    public static String next() {
        char[] suffix = new char[20];
        for (int i = 0; i < suffix.length; i++) {
            suffix[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return "gen-" + (System.currentTimeMillis() / 1000) + "-" + new String(suffix);
    }
}
