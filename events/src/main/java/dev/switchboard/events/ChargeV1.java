package dev.switchboard.events;

import java.time.Instant;

/**
 * Data of {@code switchboard.charges.v1}: one priced ledger entry. {@code costNanos} is exact,
 * in nano-USD. A final charge settles the request's credit hold.
 */
public record ChargeV1(
        String chargeId,
        String generationId,
        int sequence,
        boolean isFinal,
        String accountId,
        String keyId,
        String holdId,
        String model,
        String provider,
        int promptTokens,
        int completionTokens,
        int cachedPromptTokens,
        int reasoningTokens,
        long costNanos,
        String currency,
        Instant pricedAt) {

    public static final String TYPE = Topics.CHARGES;

    public static String chargeId(String generationId, int sequence) {
        return generationId + ":" + sequence;
    }
}
