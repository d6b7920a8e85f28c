package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a simulated provider behaves. Every field can be changed at run time through the control
 * endpoint (snake_case names), the config file or {@link ProviderSimulator#behave}; {@code failCount}
 * counts down as failures are served. The {@code ...AfterTokens} faults count streamed token events
 * (text pieces, reasoning pieces, tool-argument fragments) and 0 means never.
 *
 * @param ttftMs                 delay before the first byte of a response
 * @param interTokenMs           delay between streamed tokens
 * @param tokens                 tokens per answer (less when the request's max tokens is smaller)
 * @param failStatus             HTTP status served instead of an answer while {@code failCount != 0}
 * @param failCount              how many requests still fail; -1 means every request
 * @param retryAfterSeconds      {@code Retry-After} sent with failures (0: none)
 * @param resetAfterTokens       close the connection after this many streamed tokens
 * @param malformedAfterTokens   after this many tokens send an event whose data is not JSON, then
 *                               go silent for {@code 5 * interTokenMs} and end
 * @param truncateAfterTokens    after this many tokens end the response cleanly without the
 *                               family's terminal marker
 * @param streamErrorAfterTokens after this many tokens send an error in the family's in-stream format
 * @param dripBytes              write every event (and non-streamed body) in pieces of this many bytes (0: whole)
 * @param dripMs                 the pause between dripped pieces
 */
public record Behaviour(
        long ttftMs,
        long interTokenMs,
        int tokens,
        int failStatus,
        int failCount,
        int retryAfterSeconds,
        int resetAfterTokens,
        int malformedAfterTokens,
        int truncateAfterTokens,
        int streamErrorAfterTokens,
        int dripBytes,
        long dripMs) {

    public static final Behaviour DEFAULT = new Behaviour(20, 5, 24, 0, 0, 0, 0);

    /** The original seven settings, without the stream faults added later. */
    public Behaviour(
            long ttftMs,
            long interTokenMs,
            int tokens,
            int failStatus,
            int failCount,
            int retryAfterSeconds,
            int resetAfterTokens) {
        this(ttftMs, interTokenMs, tokens, failStatus, failCount, retryAfterSeconds, resetAfterTokens, 0, 0, 0, 0, 0);
    }

    public boolean failsNow() {
        return failStatus > 0 && failCount != 0;
    }

    public Behaviour afterOneFailure() {
        return failCount > 0
                ? new Behaviour(
                        ttftMs,
                        interTokenMs,
                        tokens,
                        failStatus,
                        failCount - 1,
                        retryAfterSeconds,
                        resetAfterTokens,
                        malformedAfterTokens,
                        truncateAfterTokens,
                        streamErrorAfterTokens,
                        dripBytes,
                        dripMs)
                : this;
    }

    /**
     * Reads the control endpoint's snake_case fields; a field left out keeps {@code base}'s value,
     * except that naming a {@code fail_status} without a {@code fail_count} fails every request.
     */
    public static Behaviour fromJson(JsonNode n, Behaviour base) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("behaviour must be a JSON object");
        }
        return new Behaviour(
                n.path("ttft_ms").asLong(base.ttftMs()),
                n.path("inter_token_ms").asLong(base.interTokenMs()),
                n.path("tokens").asInt(base.tokens()),
                n.path("fail_status").asInt(base.failStatus()),
                n.path("fail_count").asInt(n.has("fail_status") ? -1 : base.failCount()),
                n.path("retry_after_seconds").asInt(base.retryAfterSeconds()),
                n.path("reset_after_tokens").asInt(base.resetAfterTokens()),
                n.path("malformed_after_tokens").asInt(base.malformedAfterTokens()),
                n.path("truncate_after_tokens").asInt(base.truncateAfterTokens()),
                n.path("stream_error_after_tokens").asInt(base.streamErrorAfterTokens()),
                n.path("drip_bytes").asInt(base.dripBytes()),
                n.path("drip_ms").asLong(base.dripMs()));
    }
}
