package dev.switchboard.edge.service;

import java.util.Map;

/** A failure the edge answers with the public error shape and {@link #status()}. */
public final class EdgeException extends RuntimeException {

    private final int status;
    private final Map<String, Object> metadata;

    public EdgeException(int status, String message) {
        this(status, message, Map.of());
    }

    public EdgeException(int status, String message, Map<String, Object> metadata) {
        super(message, null, false, false);
        this.status = status;
        this.metadata = Map.copyOf(metadata);
    }

    public static EdgeException badRequest(String message) {
        return new EdgeException(400, message);
    }

    public int status() {
        return status;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }
}
