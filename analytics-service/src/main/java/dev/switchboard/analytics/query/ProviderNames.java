package dev.switchboard.analytics.query;

import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ProviderSpec;
import jakarta.enterprise.context.ApplicationScoped;

/** A provider tag's display name from the live catalog ("openai" → "OpenAI"). */
@ApplicationScoped
public class ProviderNames {

    private final LiveCatalog catalog;

    public ProviderNames(LiveCatalog catalog) {
        this.catalog = catalog;
    }

    /** The display name; the tag itself for a provider the catalog no longer has; null for none. */
    public String of(String provider) {
        if (provider == null || provider.isEmpty()) {
            return null;
        }
        return catalog.current()
                .provider(provider)
                .map(ProviderSpec::displayName)
                .orElse(provider);
    }
}
