package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.repository.ApiKey;
import dev.switchboard.wire.Money;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The fields a key's owner may set, read from an OpenRouter-shaped body ({@code name}, {@code limit}
 * in USD, {@code limit_reset}, {@code expires_at}, {@code disabled}) plus Switchboard's
 * {@code rate_limit_rpm} and {@code rate_limit_tpm}. A field absent from the body is left as it is;
 * {@code null} clears it where that makes sense.
 */
public final class KeyChanges {

    private final JsonNode body;

    private KeyChanges(JsonNode body) {
        this.body = body;
    }

    public static KeyChanges of(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AuthException.badRequest("body must be a JSON object");
        }
        return new KeyChanges(body);
    }

    /** Validates everything before touching the key, so a bad field changes nothing. */
    public void applyTo(ApiKey key, boolean creating) {
        String name = creating ? requiredText("name") : optionalText("name");
        Long limit = body.has("limit") ? limitNanos(body.get("limit")) : null;
        String reset = body.has("limit_reset")
                ? (body.get("limit_reset").isNull()
                        ? "never"
                        : LimitPeriod.parse(text("limit_reset")).wireName())
                : null;
        Instant expires = body.has("expires_at") ? expiry(body.get("expires_at")) : null;
        Boolean disabled = body.has("disabled") ? bool("disabled") : null;
        Integer rpm = body.has("rate_limit_rpm") ? positiveInt("rate_limit_rpm") : null;
        Integer tpm = body.has("rate_limit_tpm") ? positiveInt("rate_limit_tpm") : null;

        if (name != null) {
            key.label = name;
        }
        if (body.has("limit")) {
            key.creditLimitNanos = limit;
        }
        if (reset != null) {
            key.limitReset = reset;
        }
        if (body.has("expires_at")) {
            key.expiresAt = expires;
        }
        if (disabled != null) {
            key.disabled = disabled;
        }
        if (body.has("rate_limit_rpm")) {
            key.rateLimitRpm = rpm;
        }
        if (body.has("rate_limit_tpm")) {
            key.rateLimitTpm = tpm;
        }
    }

    private String requiredText(String field) {
        String value = optionalText(field);
        if (value == null || value.isBlank()) {
            throw AuthException.badRequest(field + " is required");
        }
        return value;
    }

    private String optionalText(String field) {
        if (!body.has(field) || body.get(field).isNull()) {
            return null;
        }
        String value = text(field);
        if (value.length() > 200) {
            throw AuthException.badRequest(field + " is at most 200 characters");
        }
        return value;
    }

    private String text(String field) {
        if (!body.get(field).isTextual()) {
            throw AuthException.badRequest(field + " must be a string");
        }
        return body.get(field).asText();
    }

    private boolean bool(String field) {
        if (!body.get(field).isBoolean()) {
            throw AuthException.badRequest(field + " must be a boolean");
        }
        return body.get(field).asBoolean();
    }

    private Integer positiveInt(String field) {
        JsonNode node = body.get(field);
        if (node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > 1_000_000_000L) {
            throw AuthException.badRequest(field + " must be a positive integer or null");
        }
        return node.asInt();
    }

    private static Long limitNanos(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw AuthException.badRequest("limit must be a number of USD or null");
        }
        BigDecimal usd = node.decimalValue();
        if (usd.signum() < 0) {
            throw AuthException.badRequest("limit must not be negative");
        }
        try {
            return Money.nanosFromUsd(usd.toPlainString());
        } catch (IllegalArgumentException e) {
            throw AuthException.badRequest("limit is finer than a nano-dollar or too large");
        }
    }

    private static Instant expiry(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw AuthException.badRequest("expires_at must be an ISO 8601 UTC timestamp or null");
        }
        try {
            Instant at = Instant.parse(node.asText());
            if (!at.isAfter(Instant.now())) {
                throw AuthException.badRequest("expires_at must be in the future");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw AuthException.badRequest("expires_at must be an ISO 8601 UTC timestamp such as 2027-01-31T00:00:00Z");
        }
    }
}
