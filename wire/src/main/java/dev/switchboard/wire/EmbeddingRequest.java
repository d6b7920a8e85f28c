package dev.switchboard.wire;

import java.util.List;

/** Texts to embed; {@code models} as for chat (the first one, then fallbacks). */
public record EmbeddingRequest(List<String> models, List<String> inputs, Integer dimensions, String user) {

    public EmbeddingRequest {
        models = List.copyOf(models);
        inputs = List.copyOf(inputs);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models must not be empty");
        }
    }

    /**
     * Edge → router: who asks, under which generation id, and the app it names ({@link Attribution};
     * null for none).
     */
    public record Routed(String generationId, AuthContext auth, EmbeddingRequest request, Attribution app) {

        public Routed(String generationId, AuthContext auth, EmbeddingRequest request) {
            this(generationId, auth, request, null);
        }
    }
}
