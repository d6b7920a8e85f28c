package dev.switchboard.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic filler text: the same seed always gives the same words. */
final class TextGenerator {

    private static final String[] WORDS = {
        "switch",
        "board",
        "routes",
        "tokens",
        "quickly",
        "across",
        "many",
        "providers",
        "while",
        "credit",
        "flows",
        "and",
        "latency",
        "stays",
        "low",
        "the",
        "model",
        "answers",
        "with",
        "care",
        "every",
        "request",
        "counts",
        "fallback",
        "is",
        "instant",
        "health",
        "probes",
        "keep",
        "watch",
        "streams",
        "end",
        "cleanly",
        "billing",
        "is",
        "exact"
    };

    private TextGenerator() {}

    /** {@code count} pieces, each a word with its leading space (the first without). */
    static List<String> pieces(long seed, int count) {
        var random = new SplittableRandom(seed);
        var out = new ArrayList<String>(count);
        for (int i = 0; i < count; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            out.add(i == 0 ? capitalize(word) : (i == count - 1 ? " " + word + "." : " " + word));
        }
        return out;
    }

    private static String capitalize(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
