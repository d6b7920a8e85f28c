package dev.switchboard.providers.anthropic;

import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.AdapterContractTest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.testsupport.Specs;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicMessagesAdapterContractTest extends AdapterContractTest {

    private final AnthropicMessagesAdapter adapter = new AnthropicMessagesAdapter();

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected void assertCredentialPresented(ProviderSpec provider, UpstreamRequest request, String credential) {
        assertThat(header(request, "x-api-key")).isEqualTo(credential);
        assertThat(header(request, "Authorization")).isNull();
    }

    @Override
    protected String[] requestSchema(ProviderSpec provider) {
        return new String[] {Specs.ANTHROPIC, "CreateMessageParams"};
    }
}
