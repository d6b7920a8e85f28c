package dev.switchboard.providers.openai;

import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.AdapterContractTest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.testsupport.Specs;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiChatAdapterContractTest extends AdapterContractTest {

    private final OpenAiChatAdapter adapter = new OpenAiChatAdapter();

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected boolean namedEvents() {
        return false;
    }

    @Override
    protected void assertCredentialPresented(ProviderSpec provider, UpstreamRequest request, String credential) {
        if ("azure".equals(provider.name())) {
            assertThat(header(request, "api-key")).isEqualTo(credential);
            assertThat(header(request, "Authorization")).isNull();
        } else {
            assertThat(header(request, "Authorization")).isEqualTo("Bearer " + credential);
        }
    }

    /** OpenAI itself (the first of the family), reloaded with {@code max_tokens} instead of {@code max_completion_tokens}. */
    @Override
    protected ProviderSpec withOtherOptions(ProviderSpec provider) {
        assertThat(provider.options()).containsEntry("max_tokens_param", "max_completion_tokens");
        java.util.Map<String, String> options = new java.util.HashMap<>(provider.options());
        options.put("max_tokens_param", "max_tokens");
        return new ProviderSpec(
                provider.name(),
                provider.displayName(),
                provider.family(),
                provider.baseUrl(),
                provider.credential(),
                options,
                provider.dataPolicy(),
                provider.rateLimits());
    }

    @Override
    protected String[] requestSchema(ProviderSpec provider) {
        return "mistral".equals(provider.name())
                ? new String[] {Specs.MISTRAL, "ChatCompletionRequest"}
                : new String[] {Specs.OPENAI, "CreateChatCompletionRequest"};
    }
}
