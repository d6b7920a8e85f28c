package dev.switchboard.providers.cohere;

import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.AdapterContractTest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** Cohere publishes no OpenAPI description among the project's specs, so bodies are checked against the fixtures only. */
class CohereAdapterContractTest extends AdapterContractTest {

    private final CohereAdapter adapter = new CohereAdapter();

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected void assertCredentialPresented(ProviderSpec provider, UpstreamRequest request, String credential) {
        assertThat(header(request, "Authorization")).isEqualTo("Bearer " + credential);
    }
}
