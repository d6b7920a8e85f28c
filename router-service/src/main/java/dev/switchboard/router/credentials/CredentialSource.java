package dev.switchboard.router.credentials;

import java.util.Optional;

/**
 * Where provider credentials come from. Implementations cache and refresh on their own; the
 * request path calls {@link #credential} and must get an answer from memory. Values are secrets:
 * never log them.
 */
public interface CredentialSource {

    /** The secret for the catalog credential name {@code name}, if known. */
    Optional<String> credential(String name);
}
