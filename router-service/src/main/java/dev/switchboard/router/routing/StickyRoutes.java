package dev.switchboard.router.routing;

import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Sticky routing for prompt caching: a conversation (same account, model and prompt prefix) goes
 * back to the provider that last served it while that provider is healthy, so the provider's prompt
 * cache (OpenAI, Anthropic, Gemini, DeepSeek and others bill cached prompt tokens lower) keeps
 * paying off instead of the default draw scattering the conversation. In memory per replica, least
 * recently used first out, each entry for {@code sticky-ttl}.
 *
 * <p>The prefix is the system and developer messages and the first user message (what a growing
 * conversation repeats), up to {@link #PREFIX_CHARS} characters, hashed with 64-bit FNV-1a together
 * with the account and model: nothing of the prompt is kept.
 */
@ApplicationScoped
public class StickyRoutes {

    static final int PREFIX_CHARS = 4096;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final long ttlMillis;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Map<Long, Route> entries;

    @Inject
    public StickyRoutes(RouterConfig config) {
        this(config.routing().stickyTtl().toMillis(), config.routing().stickyMaxEntries(), System::currentTimeMillis);
    }

    StickyRoutes(long ttlMillis, int maxEntries, LongSupplier clock) {
        this.ttlMillis = ttlMillis;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Route> eldest) {
                return size() > StickyRoutes.this.maxEntries;
            }
        };
    }

    public boolean enabled() {
        return ttlMillis > 0;
    }

    /**
     * The candidates in the order to try them, the strategy that ordered them, and the conversation's
     * key when sticky routing applies (so that the provider that serves it can be remembered), else null.
     */
    public record Order(List<Candidate> candidates, String strategy, Long key) {}

    /**
     * Under the default draw (no sort, no explicit order), a conversation goes back to the provider
     * that last served it while that provider is {@code usable}: its prompt cache is warm there.
     */
    public Order order(
            String accountId,
            ChatRequest request,
            List<Candidate> candidates,
            String strategy,
            Predicate<String> usable) {
        if (!enabled()
                || !RoutePlanner.WEIGHTED.equals(strategy)
                || !request.routing().order().isEmpty()
                || candidates.size() < 2) {
            return new Order(candidates, strategy, null);
        }
        long key = key(accountId, request);
        String provider = provider(key);
        if (provider == null || !usable.test(provider)) {
            return new Order(candidates, strategy, key);
        }
        for (int i = 0; i < candidates.size(); i++) {
            Candidate candidate = candidates.get(i);
            if (candidate.provider().name().equals(provider)
                    && candidate.endpoint().model().equals(request.primaryModel())) {
                List<Candidate> reordered = new ArrayList<>(candidates);
                reordered.add(0, reordered.remove(i));
                return new Order(reordered, RoutePlanner.STICKY, key);
            }
        }
        return new Order(candidates, strategy, key);
    }

    /** The conversation's key: account, model and prompt prefix, hashed. */
    public static long key(String accountId, ChatRequest request) {
        long hash = mix(FNV_OFFSET, accountId);
        hash = mix(hash, "\u0000");
        hash = mix(hash, request.primaryModel());
        int budget = PREFIX_CHARS;
        boolean firstUserSeen = false;
        for (ChatMessage message : request.messages()) {
            boolean instructions =
                    message.role() == ChatMessage.Role.SYSTEM || message.role() == ChatMessage.Role.DEVELOPER;
            boolean firstUser = message.role() == ChatMessage.Role.USER && !firstUserSeen;
            if (!instructions && !firstUser) {
                continue;
            }
            firstUserSeen |= firstUser;
            hash = mix(hash, "\u0001");
            for (ContentPart part : message.content()) {
                if (part instanceof ContentPart.Text text && budget > 0) {
                    String value = text.text();
                    int n = Math.min(value.length(), budget);
                    for (int i = 0; i < n; i++) {
                        hash = (hash ^ value.charAt(i)) * FNV_PRIME;
                    }
                    budget -= n;
                }
            }
        }
        return hash;
    }

    private static long mix(long hash, String value) {
        for (int i = 0; i < value.length(); i++) {
            hash = (hash ^ value.charAt(i)) * FNV_PRIME;
        }
        return hash;
    }

    /** The provider that last served the conversation, or null (none, or expired). */
    public synchronized String provider(long key) {
        Route entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.expiresAt <= clock.getAsLong()) {
            entries.remove(key);
            return null;
        }
        return entry.provider;
    }

    /** The conversation was served by {@code provider}: it sticks to it for another TTL. */
    public synchronized void served(long key, String provider) {
        if (enabled()) {
            entries.put(key, new Route(provider, clock.getAsLong() + ttlMillis));
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private record Route(String provider, long expiresAt) {}
}
