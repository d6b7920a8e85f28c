package dev.switchboard.auth.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.Sort;

import java.io.IOException;

/** Account preferences as stored (JSONB, snake_case) and validated. */
public final class Preferences {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Preferences() {}

    public static AccountPreferences parse(String json) {
        if (json == null || json.isBlank()) {
            return AccountPreferences.NONE;
        }
        try {
            return JSON.readValue(json, AccountPreferences.class);
        } catch (IOException e) {
            return AccountPreferences.NONE;
        }
    }

    public static String write(AccountPreferences preferences) {
        try {
            return JSON.writeValueAsString(preferences);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails with a 400 naming the field when a preference is out of bounds. */
    public static AccountPreferences validate(AccountPreferences p) {
        if (p.maxCostPerRequestNanos() != null && p.maxCostPerRequestNanos() <= 0) {
            throw AuthException.badRequest("max_cost_per_request_usd must be positive");
        }
        if (p.defaultSort() != null && Sort.of(p.defaultSort()) == null) {
            throw AuthException.badRequest("default_sort must be " + Sort.choices());
        }
        if (p.fallbackModels().size() > 10
                || p.fallbackModels().stream().anyMatch(m -> m == null || m.isBlank() || m.length() > 200)) {
            throw AuthException.badRequest("fallback_models: at most 10 model ids");
        }
        if (p.ignoredProviders().size() > 50
                || p.ignoredProviders().stream().anyMatch(m -> m == null || m.isBlank() || m.length() > 100)) {
            throw AuthException.badRequest("ignored_providers: at most 50 provider names");
        }
        return p;
    }
}
