package dev.switchboard.wire;

/**
 * What the edge asks the router to serve: the generation, who pays (the hold), the request, and the
 * app the client named ({@link Attribution}; null when it named none).
 */
public record RouteRequest(String generationId, AuthContext auth, ChatRequest request, Attribution app) {

    public RouteRequest(String generationId, AuthContext auth, ChatRequest request) {
        this(generationId, auth, request, null);
    }
}
