package dev.switchboard.edge.dialect;

import dev.switchboard.wire.ChatRequest;

import java.util.Map;

/**
 * One client API the edge speaks: where it is served, how its requests are read into the router's
 * {@link ChatRequest}, how answers are written back ({@link ResponseDialect}) and what its errors
 * look like. Every dialect is tested under one contract with golden fixtures
 * ({@code DialectContract}); adding a client API is one implementation of this and one test class.
 */
public interface Dialect {

    /** The path under {@code /api/v1} and {@code /v1}. */
    String path();

    /** The OpenAPI summary of the operation. */
    String summary();

    /** The OpenAPI description, or null. */
    default String description() {
        return null;
    }

    /** Reads and checks a request body; a bad field is a 400 naming it. */
    ChatRequest parse(byte[] body);

    /** The writer of one request's answer. */
    ResponseDialect responses(String generationId, String model);

    /** The error body for {@code status}, written before anything else was sent. */
    byte[] errorBody(int status, String message, Map<String, Object> metadata);
}
