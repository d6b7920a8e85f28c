package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Per-provider settings the simulator starts with: {@code {"providers":{"<name>":{"credential":"...",
 * "behaviour":{...},"quirks":{...}}}}}. Behaviour fields are the control endpoint's; quirks are
 * merged over the provider's built-in profile ({@link Quirks}). Anything not configured keeps its default.
 */
public record SimulatorConfig(Map<String, ProviderSettings> providers) {

    /** @param credential null: the family's default; behaviour null: {@link Behaviour#DEFAULT}; quirks null: built-in */
    public record ProviderSettings(String credential, Behaviour behaviour, Quirks quirks) {}

    public static final SimulatorConfig EMPTY = new SimulatorConfig(Map.of());

    public SimulatorConfig {
        providers = Map.copyOf(providers);
    }

    public static SimulatorConfig parse(String json) {
        JsonNode root = Json.parse(json);
        if (!root.isObject()) {
            throw new IllegalArgumentException("simulator config must be a JSON object");
        }
        Map<String, ProviderSettings> providers = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("providers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            JsonNode p = entry.getValue();
            providers.put(
                    name,
                    new ProviderSettings(
                            p.path("credential").isTextual()
                                    ? p.path("credential").asText()
                                    : null,
                            p.has("behaviour") ? Behaviour.fromJson(p.path("behaviour"), Behaviour.DEFAULT) : null,
                            p.has("quirks") ? Quirks.builtIn(name).merge(p.path("quirks")) : null));
        }
        return new SimulatorConfig(providers);
    }

    public static SimulatorConfig load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read simulator config " + file, e);
        }
    }

    /** The file named by {@code SIM_CONFIG} (if any), with {@code SIM_KEY_<PROVIDER>} credentials on top. */
    public static SimulatorConfig fromEnvironment(Map<String, String> env) {
        String file = env.get("SIM_CONFIG");
        SimulatorConfig base = file == null || file.isBlank() ? EMPTY : load(Path.of(file));
        return base.withCredentials(credentialsFromEnvironment(env));
    }

    /** Reads {@code SIM_KEY_<PROVIDER>} variables (provider name upper-cased, '-' as '_'). */
    public static Map<String, String> credentialsFromEnvironment(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("SIM_KEY_") && !v.isBlank()) {
                out.put(
                        k.substring("SIM_KEY_".length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '-'),
                        v);
            }
        });
        return out;
    }

    /** This config with the given provider credentials replacing configured ones. */
    public SimulatorConfig withCredentials(Map<String, String> credentials) {
        Map<String, ProviderSettings> out = new HashMap<>(providers);
        credentials.forEach((name, credential) -> out.merge(
                name,
                new ProviderSettings(credential, null, null),
                (old, added) -> new ProviderSettings(credential, old.behaviour(), old.quirks())));
        return new SimulatorConfig(out);
    }

    public String credential(String provider) {
        ProviderSettings p = providers.get(provider);
        return p == null ? null : p.credential();
    }

    public Behaviour behaviour(String provider) {
        ProviderSettings p = providers.get(provider);
        return p == null || p.behaviour() == null ? Behaviour.DEFAULT : p.behaviour();
    }

    public Quirks quirks(String provider) {
        ProviderSettings p = providers.get(provider);
        return p == null || p.quirks() == null ? Quirks.builtIn(provider) : p.quirks();
    }
}
