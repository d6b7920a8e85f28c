package dev.switchboard.wire;

import java.util.Map;

/**
 * The public error shape, used by every service: {@code {"error":{"code":401,"message":"...","metadata":{...}}}}.
 * {@code code} is the HTTP status; {@code metadata} is omitted when empty.
 */
public record ErrorResponse(Body error) {

    public static ErrorResponse of(int code, String message) {
        return new ErrorResponse(new Body(code, message, null));
    }

    public static ErrorResponse of(int code, String message, Map<String, Object> metadata) {
        return new ErrorResponse(
                new Body(code, message, metadata == null || metadata.isEmpty() ? null : Map.copyOf(metadata)));
    }

    public record Body(int code, String message, Map<String, Object> metadata) {}
}
