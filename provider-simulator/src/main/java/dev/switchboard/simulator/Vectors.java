package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.SplittableRandom;

/** Deterministic embedding vectors: a unit vector seeded by the text, so equal texts embed equally. */
public final class Vectors {

    private Vectors() {}

    public static ArrayNode unit(String text, int dimensions) {
        SplittableRandom random = new SplittableRandom(text.hashCode());
        double[] v = new double[dimensions];
        double norm = 0;
        for (int d = 0; d < dimensions; d++) {
            v[d] = random.nextDouble() - 0.5;
            norm += v[d] * v[d];
        }
        norm = Math.sqrt(norm);
        ArrayNode out = Json.array();
        for (double x : v) {
            out.add((float) (x / norm));
        }
        return out;
    }

    /** The asked dimension within what embedding models offer. */
    public static int dimensions(int asked) {
        return Math.max(1, Math.min(3072, asked));
    }
}
