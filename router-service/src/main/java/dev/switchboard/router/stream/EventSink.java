package dev.switchboard.router.stream;

import dev.switchboard.wire.RouteEvent;

/** Where an execution's events go (the edge's HTTP response). Called on one event loop only. */
public interface EventSink {

    void emit(RouteEvent event);

    /** No more events. */
    void end();

    /** False while the receiver is slower than the provider; {@link #onDrain} says when to go on. */
    boolean writable();

    void onDrain(Runnable resume);
}
