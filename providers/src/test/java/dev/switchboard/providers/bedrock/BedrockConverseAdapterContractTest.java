package dev.switchboard.providers.bedrock;

import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.AdapterContractTest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamRequest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Bedrock's fixtures, signed at a fixed time so that the date headers can be pinned. */
class BedrockConverseAdapterContractTest extends AdapterContractTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    static final String CREDENTIAL = "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private final BedrockConverseAdapter adapter = new BedrockConverseAdapter(CLOCK);

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected String credential(ProviderSpec provider) {
        return CREDENTIAL;
    }

    @Override
    protected void assertCredentialPresented(ProviderSpec provider, UpstreamRequest request, String credential) {
        assertThat(header(request, "Authorization"))
                .startsWith(
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250601/us-east-1/bedrock/aws4_request, SignedHeaders=");
        assertThat(header(request, "X-Amz-Date")).isEqualTo("20250601T120000Z");
        String secret = credential.split(":")[1];
        request.headers().values().forEach(value -> assertThat(value).doesNotContain(secret));
    }

    /** Bedrock in another region. */
    @Override
    protected ProviderSpec withOtherOptions(ProviderSpec provider) {
        assertThat(provider.options()).containsEntry("region", "us-east-1");
        return new ProviderSpec(
                provider.name(),
                provider.displayName(),
                provider.family(),
                provider.baseUrl(),
                provider.credential(),
                java.util.Map.of("region", "eu-west-1"),
                provider.dataPolicy(),
                provider.rateLimits());
    }
}
