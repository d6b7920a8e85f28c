package dev.switchboard.providers;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.wire.ChatRequest;

import java.util.List;
import java.util.Optional;

/**
 * Speaks one wire family. Implementations are stateless singletons (CDI beans, one per family);
 * all per-request state lives in the {@link StreamTranslator} each attempt creates.
 *
 * <p>Lifecycle:
 * <ol>
 *   <li>start-up and every catalog reload: {@link #configure} reads each provider's {@code options}
 *       of the family; an exception stops the router (or rejects the reload) with its message. It
 *       has no side effect: a candidate catalog that is rejected leaves nothing behind;</li>
 *   <li>per attempt: {@link #toUpstream} builds the HTTP request, always a streaming one (the edge
 *       assembles non-streaming answers, so fallback and time-to-first-token work the same for both);</li>
 *   <li>the router sends it; on a 2xx answer it cuts the body into frames as {@link #framing()} says
 *       and feeds them, in order, to a fresh {@link #newTranslator}, then asks
 *       {@link StreamTranslator#completed()};</li>
 *   <li>on any other status it asks {@link #classifyError} what went wrong, and falls back to the
 *       next provider when the class is retryable.</li>
 * </ol>
 * Methods are called on event-loop threads and must not block.
 */
public interface ProviderAdapter {

    /** The family name used in the catalog, e.g. {@code openai-chat}. */
    String family();

    /**
     * Reads a provider's {@code options} into the options this family works with (a family without
     * options returns null). Pure: it is also called on candidate catalogs that may be rejected, so
     * an adapter keeps what it uses per spec instance ({@link BoundOptions}), never per name.
     *
     * @throws IllegalArgumentException naming the provider and the bad option
     */
    default Object configure(ProviderSpec provider) {
        if (!provider.options().isEmpty()) {
            throw new IllegalArgumentException("provider " + provider.name() + ": family " + family()
                    + " takes no options, got " + provider.options().keySet());
        }
        return null;
    }

    /**
     * The provider request for {@code request}, for the model {@code endpoint.upstreamModel()}.
     *
     * @param maxTokens  the output cap the router enforces (never more than the endpoint allows)
     * @param credential the provider's own secret; it must only ever go to {@code provider}
     */
    UpstreamRequest toUpstream(
            ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential);

    /** How the provider frames its streaming body. */
    default Framing framing() {
        return Framing.SSE;
    }

    /** A translator for one attempt's response stream. */
    StreamTranslator newTranslator(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request);

    /** Reads an error response into a normalized failure. Must not throw. */
    UpstreamFailure classifyError(int httpStatus, Headers headers, byte[] body);

    /**
     * The prober's call for {@code provider} ({@link ProbeRequest}), or empty when the family has
     * none: Bedrock's runtime endpoint cannot list models (that is another AWS service, and every
     * call needs a signature), so its health comes from real traffic only.
     *
     * @param credential the provider's secret, or null when none is configured
     */
    default Optional<ProbeRequest> probe(ProviderSpec provider, String credential) {
        return Optional.empty();
    }

    /** Whether this family offers embeddings. */
    default boolean embeds() {
        return false;
    }

    /** The provider request embedding {@code inputs} with {@code endpoint.upstreamModel()}. */
    default UpstreamRequest toEmbeddings(
            ProviderSpec provider, EndpointSpec endpoint, List<String> inputs, Integer dimensions, String credential) {
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

    /** The framings the router can cut a response body into. */
    enum Framing {
        /** {@code text/event-stream}: each event's {@code event:} name and joined {@code data:} lines. */
        SSE,
        /**
         * {@code application/vnd.amazon.eventstream}: binary messages; each event frame is fed as its
         * {@code :event-type} header and its payload text, each exception frame as its
         * {@code :exception-type} (names ending in {@code Exception}) and its payload.
         */
        AWS_EVENT_STREAM
    }

    /** Response headers, looked up case-insensitively; null when absent. */
    @FunctionalInterface
    interface Headers {
        Headers NONE = name -> null;

        String get(String name);
    }

    /** Vectors in input order, and the prompt tokens the provider counted (null when it did not say). */
    record Embeddings(List<float[]> vectors, Integer promptTokens) {}
}
