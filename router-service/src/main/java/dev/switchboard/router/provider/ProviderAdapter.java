package dev.switchboard.router.provider;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.wire.ChatRequest;

import java.util.List;

/**
 * Speaks one wire family. Implementations are stateless singletons (CDI beans); all per-request
 * state lives in the {@link StreamTranslator} each call creates.
 *
 * <p>Lifecycle of one attempt: {@link #toUpstream} builds the HTTP request (always a streaming one);
 * the router sends it; on a 2xx answer it feeds the body's server-sent events to a fresh
 * {@link #newTranslator}; on any other status it asks {@link #classifyError} what went wrong.
 */
public interface ProviderAdapter {

    /** The family name used in the catalog, e.g. {@code openai-chat}. */
    String family();

    /**
     * The provider request for {@code request}, for the model {@code endpoint.upstreamModel()}.
     *
     * @param maxTokens the output cap the router enforces (never more than the endpoint allows)
     * @param credential the provider's own secret; it must only ever go to {@code provider}
     */
    UpstreamRequest toUpstream(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential);

    StreamTranslator newTranslator(EndpointSpec endpoint);

    /** Reads an error response into a normalized failure. Must not throw. */
    UpstreamFailure classifyError(int httpStatus, byte[] body);

    /** Whether this family offers embeddings. */
    default boolean embeds() {
        return false;
    }

    /** The provider request embedding {@code inputs} with {@code endpoint.upstreamModel()}. */
    default UpstreamRequest toEmbeddings(ProviderSpec provider, EndpointSpec endpoint, List<String> inputs, Integer dimensions, String credential) {
        throw new UnsupportedOperationException(family() + " has no embeddings");
    }

    /**
     * Reads a successful embeddings response.
     *
     * @throws UpstreamFailure when it is not the provider's embeddings shape
     */
    default Embeddings readEmbeddings(byte[] body, int expected) {
        throw new UnsupportedOperationException(family() + " has no embeddings");
    }

    /** Vectors in input order, and the prompt tokens the provider counted (null when it did not say). */
    record Embeddings(List<float[]> vectors, Integer promptTokens) {
    }
}
