package dev.switchboard.wire;

/** The body the edge posts to the router: who asks, under which generation id, for what. */
public record RouteRequest(String generationId, AuthContext auth, ChatRequest request) {}
