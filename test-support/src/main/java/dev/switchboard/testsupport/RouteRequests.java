package dev.switchboard.testsupport;

import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;

import java.util.List;
import java.util.UUID;

/** Route requests as the edge sends them to the router's internal API, for tests that call the router directly. */
public final class RouteRequests {

    /** The hold every such request carries (0.001 USD, far more than a short answer costs). */
    public static final long HOLD_NANOS = 1_000_000L;

    private RouteRequests() {}

    /** "hi" to {@code model}, at most 16 tokens, streamed, for a fresh account and key; {@code routing} may be null. */
    public static RouteRequest shortChat(String generationId, String model, RoutingPreferences routing) {
        ChatRequest chat = ChatRequest.of(model, List.of(ChatMessage.text(ChatMessage.Role.USER, "hi")), true)
                .withSampling(Sampling.DEFAULT.withMaxTokens(16))
                .withRouting(routing);
        return new RouteRequest(
                generationId,
                new AuthContext(
                        UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(),
                        generationId,
                        HOLD_NANOS,
                        AccountPreferences.NONE),
                chat);
    }

    /** {@link #shortChat(String, String, RoutingPreferences)} under a new generation id. */
    public static RouteRequest shortChat(String model, RoutingPreferences routing) {
        return shortChat("gen-" + UUID.randomUUID(), model, routing);
    }
}
