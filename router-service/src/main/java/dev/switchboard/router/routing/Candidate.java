package dev.switchboard.router.routing;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;

/** One endpoint the router may try, in the order it will try them. */
public record Candidate(ProviderSpec provider, EndpointSpec endpoint) {}
