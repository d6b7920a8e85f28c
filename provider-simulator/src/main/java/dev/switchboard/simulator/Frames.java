package dev.switchboard.simulator;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A streamed answer, already framed by its family, and the two fault frames that family would send:
 * the player ({@link Faults}) decides timing and where faults cut in.
 *
 * @param contentType the response's Content-Type
 * @param frames      every frame in order; token frames carry model output and are paced
 * @param malformed   a frame whose data is not valid JSON
 * @param error       the family's in-stream error
 */
public record Frames(String contentType, List<Frame> frames, Buffer malformed, Buffer error) {

    public record Frame(Buffer bytes, boolean token) {}

    public Frames {
        frames = List.copyOf(frames);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<Frame> frames = new ArrayList<>();

        /** A frame of structure (starts, stops, usage, terminal markers): sent without pacing. */
        public Builder frame(Buffer bytes) {
            frames.add(new Frame(bytes, false));
            return this;
        }

        /** A frame of model output: paced by inter_token_ms and counted by the token faults. */
        public Builder token(Buffer bytes) {
            frames.add(new Frame(bytes, true));
            return this;
        }

        public Frames build(String contentType, Buffer malformed, Buffer error) {
            return new Frames(contentType, frames, malformed, error);
        }
    }
}
