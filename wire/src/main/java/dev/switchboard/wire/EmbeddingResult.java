package dev.switchboard.wire;

import java.util.List;

/**
 * Router → edge: the vectors (in input order) and who made them, or {@code error} when no
 * provider could.
 */
public record EmbeddingResult(
        String provider, String model, List<float[]> vectors, Usage usage, RouteEvent.Failed error) {

    public static EmbeddingResult failed(RouteEvent.Failed error) {
        return new EmbeddingResult(null, null, List.of(), null, error);
    }
}
