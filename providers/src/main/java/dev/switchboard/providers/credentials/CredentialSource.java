package dev.switchboard.providers.credentials;

import java.util.Optional;

/**
 * Where provider credentials come from. Implementations cache and refresh on their own; the
 * request path calls {@link #credential} and must get an answer from memory. Values are secrets:
 * never log them.
 */
public interface CredentialSource {

    /** The secret for the catalog credential name {@code name}, if known. */
    Optional<String> credential(String name);

    /** The names whose value was added, changed or removed from {@code before} to {@code after}: what a rotation may log. */
    static java.util.SortedSet<String> changedNames(
            java.util.Map<String, String> before, java.util.Map<String, String> after) {
        java.util.TreeSet<String> changed = new java.util.TreeSet<>();
        after.forEach((name, value) -> {
            if (!value.equals(before.get(name))) {
                changed.add(name);
            }
        });
        before.keySet().stream().filter(name -> !after.containsKey(name)).forEach(changed::add);
        return changed;
    }
}
