package dev.switchboard.edge.dialect;

import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.WireCodec;

import java.util.Map;

/** How a route writes an error: a dialect's shape, or OpenRouter's {@code {"error":{"code","message","metadata"}}}. */
@FunctionalInterface
public interface ErrorBody {

    /** OpenAI's / OpenRouter's error shape, used by every route that is not a dialect of its own. */
    ErrorBody OPENAI = (status, message, metadata) -> WireCodec.encode(ErrorResponse.of(status, message, metadata));

    byte[] write(int status, String message, Map<String, Object> metadata);
}
