package dev.switchboard.providers.bedrock;

import dev.switchboard.catalog.ProviderSpec;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Bedrock provider's catalog {@code options}.
 *
 * @param region the AWS region the requests are signed for ({@code us-east-1}); required, because a
 *               SigV4 signature names its region and Bedrock refuses one signed for another
 */
record BedrockOptions(String region) {

    private static final Set<String> KEYS = Set.of("region");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    static BedrockOptions of(ProviderSpec provider) {
        for (String key : provider.options().keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("provider " + provider.name() + ": unknown option " + key
                        + " (bedrock-converse takes " + KEYS + ")");
            }
        }
        String region = provider.options().get("region");
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("provider " + provider.name()
                    + ": bedrock-converse needs option region, an AWS region such as us-east-1"
                    + (region == null ? "" : ", got " + region));
        }
        return new BedrockOptions(region);
    }
}
