package dev.switchboard.router.provider;

import dev.switchboard.wire.RouteEvent;

import java.util.List;

/**
 * Turns one provider response stream into internal events. One instance per request attempt,
 * used from a single thread; it may keep whatever state the provider's framing needs.
 *
 * <p>Lifecycle: created by {@link ProviderAdapter#newTranslator}, fed every server-sent event
 * in order through {@link #onEvent}, then asked {@link #completed()} once the stream ends.
 */
public interface StreamTranslator {

    /**
     * One server-sent event. Answers the internal events it yields (often one {@code Delta}).
     *
     * @param event the {@code event:} field, or null when absent
     * @param data  the event's data, lines joined by '\n'
     * @throws UpstreamFailure when the provider reports an error in the stream or sends something unparseable
     */
    List<RouteEvent> onEvent(String event, String data);

    /** True when the provider ended the stream properly (a terminal marker or finish reason was seen). */
    boolean completed();

    /** Usage as the provider reported it, or null when it reported none. */
    ReportedUsage reportedUsage();

    /** Provider-reported token counts (the router prices them). */
    record ReportedUsage(int promptTokens, int completionTokens, int cachedPromptTokens, int reasoningTokens) {
    }
}
