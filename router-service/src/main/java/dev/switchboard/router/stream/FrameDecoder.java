package dev.switchboard.router.stream;

import dev.switchboard.router.provider.ProviderAdapter;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts a streaming response body into the frames an adapter's translator reads. Bytes arrive in
 * arbitrary chunks; every complete frame goes to the listener, in order, on the calling thread.
 */
public interface FrameDecoder {

    /** Receives each complete frame: its name (may be null) and its payload text. */
    @FunctionalInterface
    interface Listener {
        void onFrame(String name, String data);
    }

    /** Feeds the next chunk of the body. Throws {@link IllegalStateException} on a framing error. */
    void feed(Buffer chunk);

    /** The body ended. Throws {@link IllegalStateException} when it ended inside a frame that cannot be completed. */
    void end();

    static FrameDecoder of(ProviderAdapter.Framing framing, Listener listener, int maxFrameBytes) {
        return switch (framing) {
            case SSE -> new SseParser(listener, maxFrameBytes);
            case AWS_EVENT_STREAM -> new EventStreamDecoder(listener, maxFrameBytes);
        };
    }
}
