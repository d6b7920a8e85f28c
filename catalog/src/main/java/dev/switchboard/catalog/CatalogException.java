package dev.switchboard.catalog;

import java.util.List;

/** A catalog that cannot be used; {@link #problems()} lists every problem found, not just the first. */
public final class CatalogException extends RuntimeException {

    private final List<String> problems;

    public CatalogException(String source, List<String> problems) {
        super("invalid catalog " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
