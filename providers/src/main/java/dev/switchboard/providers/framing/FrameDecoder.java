package dev.switchboard.providers.framing;

import dev.switchboard.providers.ProviderAdapter;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts a streaming response body into the frames an adapter's translator reads. Bytes arrive in
 * arbitrary chunks; every complete frame goes to the listener, in order, on the calling thread.
 */
public interface FrameDecoder {

    /**
     * Receives each complete frame: its name (may be null) and its payload bytes, {@code length}
     * bytes of {@code data} from {@code offset}. The array belongs to the decoder and is reused for
     * the next frame: read it during the call, never keep it.
     */
    @FunctionalInterface
    interface Listener {
        void onFrame(String name, byte[] data, int offset, int length);

        /** A listener of payload text (UTF-8 decoded), for tests and tools that are not on the hot path. */
        static Listener text(java.util.function.BiConsumer<String, String> sink) {
            return (name, data, offset, length) ->
                    sink.accept(name, new String(data, offset, length, java.nio.charset.StandardCharsets.UTF_8));
        }
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
