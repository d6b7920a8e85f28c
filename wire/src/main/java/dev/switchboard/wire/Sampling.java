package dev.switchboard.wire;

import java.util.List;

/**
 * How to sample the answer. Every field is {@code null} when the client did not set it, so an
 * adapter sends only what was asked for and the provider's defaults apply otherwise.
 *
 * @param maxTokens   the client's output cap (the router lowers it to what the endpoint allows)
 * @param topK        top-k sampling; not offered by the OpenAI family
 * @param logprobs    return token log-probabilities (providers that offer them)
 * @param topLogprobs alternatives per token with {@code logprobs}
 */
public record Sampling(
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Double frequencyPenalty,
        Double presencePenalty,
        Long seed,
        List<String> stop,
        Boolean logprobs,
        Integer topLogprobs) {

    public static final Sampling DEFAULT = new Sampling(null, null, null, null, null, null, null, null, null, null);

    public Sampling {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    public Sampling withMaxTokens(Integer cap) {
        return new Sampling(
                cap, temperature, topP, topK, frequencyPenalty, presencePenalty, seed, stop, logprobs, topLogprobs);
    }
}
