package dev.switchboard.router.stream;

import dev.switchboard.wire.RouteEvent;

/**
 * For a client that did not ask for a stream: consecutive text-only deltas are joined into one
 * before they go to the edge, which only aggregates them. A provider's answer of n chunks then
 * crosses to the edge as one delta instead of n lines to encode, send, decode and aggregate. Any
 * other event (reasoning, tool calls, logprobs, finish, the terminal event) first flushes the text
 * gathered so far, so the order of the answer is unchanged. One event loop only, like its delegate.
 */
final class CoalescingSink implements EventSink {

    private final EventSink delegate;
    private final StringBuilder text = new StringBuilder();

    CoalescingSink(EventSink delegate) {
        this.delegate = delegate;
    }

    static boolean textOnly(RouteEvent.Delta delta) {
        return delta.content() != null
                && delta.reasoning() == null
                && delta.reasoningSignature() == null
                && delta.redactedReasoning() == null
                && delta.toolCalls().isEmpty()
                && delta.logprobs() == null;
    }

    @Override
    public void emit(RouteEvent event) {
        if (event instanceof RouteEvent.Delta delta && textOnly(delta)) {
            text.append(delta.content());
            return;
        }
        flush();
        delegate.emit(event);
    }

    private void flush() {
        if (!text.isEmpty()) {
            delegate.emit(RouteEvent.Delta.text(text.toString()));
            text.setLength(0);
        }
    }

    @Override
    public void end() {
        flush();
        delegate.end();
    }

    @Override
    public boolean writable() {
        return delegate.writable();
    }

    @Override
    public void onDrain(Runnable resume) {
        delegate.onDrain(resume);
    }
}
