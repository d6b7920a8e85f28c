package dev.switchboard.router.health;

import dev.switchboard.catalog.EndpointSpec;

/** What routing knows of health, read from memory on the request path. */
public interface HealthSnapshot {

    /** A provider's state as the health prober last published it. */
    ProviderState state(String provider);

    /** An endpoint's recent record from real traffic and probes; {@link EndpointStats#UNKNOWN} when there is none. */
    EndpointStats stats(EndpointSpec endpoint);
}
