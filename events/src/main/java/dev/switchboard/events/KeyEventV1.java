package dev.switchboard.events;

import java.time.Instant;

/**
 * Data of {@code switchboard.key-events.v1}: a key was created, revoked or its limits changed.
 *
 * @param action {@code created}, {@code revoked}, {@code updated}
 */
public record KeyEventV1(String keyId, String accountId, String action, Instant at) {

    public static final String TYPE = Topics.KEY_EVENTS;
}
