package dev.switchboard.providers;

import dev.switchboard.wire.RouteEvent;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns one provider response stream into internal events. One instance per request attempt,
 * used from a single thread; it keeps whatever state the provider's framing needs (open content
 * blocks, tool-call indexes, usage split across events).
 *
 * <p>Lifecycle: created by {@link ProviderAdapter#newTranslator}, fed every frame in order through
 * {@link #onEvent}, then asked {@link #completed()} once the body ends. Translators are strict on
 * purpose: malformed JSON, an event type the family does not define, or an error event throws
 * {@link UpstreamFailure}, so a provider change shows up as a counted failure instead of an answer
 * with silently missing parts.
 */
public interface StreamTranslator {

    /**
     * One frame. Answers the internal events it yields (often one {@code Delta}, possibly none).
     * Only {@code Delta} and {@code Finished} events may be returned.
     *
     * @param event  the event name ({@code event:} field of an SSE event, {@code :event-type} of an
     *               AWS event stream message), or null when absent
     * @param data   the frame's payload, UTF-8: {@code length} bytes from {@code offset}; the array is
     *               the decoder's and is reused after the call returns
     * @throws UpstreamFailure when the provider reports an error in the stream or sends something it should not
     */
    List<RouteEvent> onEvent(String event, byte[] data, int offset, int length);

    /** {@link #onEvent(String, byte[], int, int)} with the payload as text (tests, fixtures). */
    default List<RouteEvent> onEvent(String event, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return onEvent(event, bytes, 0, bytes.length);
    }

    /** True when the provider ended the stream properly (its terminal marker was seen). */
    boolean completed();

    /** Usage as the provider reported it, or null when it reported none. */
    ReportedUsage reportedUsage();

    /**
     * Provider-reported token counts (the router prices them). {@code promptTokens} includes
     * cached ones; {@code completionTokens} includes reasoning ones.
     */
    record ReportedUsage(int promptTokens, int completionTokens, int cachedPromptTokens, int reasoningTokens) {}
}
