package dev.switchboard.wire;

import java.util.Arrays;
import java.util.List;

/**
 * The routing sorts a request ({@code provider.sort}, or the {@code :floor} / {@code :nitro} model
 * suffixes) or an account's {@code default_sort} may ask for. They travel as their lower-case
 * {@link #wireName()} in {@link RoutingPreferences} and {@link AccountPreferences}; this is the one
 * list of them.
 */
public enum Sort {
    /** Cheapest first. */
    PRICE,
    /** Most output tokens per second first. */
    THROUGHPUT,
    /** Shortest time to first token first. */
    LATENCY;

    private static final List<String> NAMES =
            Arrays.stream(values()).map(Sort::wireName).toList();

    /** {@code price}, {@code throughput} or {@code latency}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The sort named {@code name} (its wire name), or null when there is none by that name. */
    public static Sort of(String name) {
        if (name != null) {
            for (Sort sort : values()) {
                if (sort.wireName().equals(name)) {
                    return sort;
                }
            }
        }
        return null;
    }

    /** For error messages: "price, throughput or latency". */
    public static String choices() {
        return String.join(", ", NAMES.subList(0, NAMES.size() - 1)) + " or " + NAMES.getLast();
    }
}
