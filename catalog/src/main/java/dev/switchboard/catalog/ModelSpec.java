package dev.switchboard.catalog;

import java.util.List;

/** A model as clients name it ({@code author/slug}), and the endpoints that serve it. */
public record ModelSpec(String id, String name, int contextLength, List<EndpointSpec> endpoints) {

    public ModelSpec {
        endpoints = List.copyOf(endpoints);
    }
}
