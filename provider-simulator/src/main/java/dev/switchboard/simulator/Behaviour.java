package dev.switchboard.simulator;

/**
 * How a simulated provider behaves. Every field can be changed at run time through the control
 * endpoint; {@code failCount} counts down as failures are served.
 *
 * @param ttftMs            delay before the first byte of a response
 * @param interTokenMs      delay between streamed tokens
 * @param tokens            tokens per answer (less when the request's max_tokens is smaller)
 * @param failStatus        HTTP status served instead of an answer while {@code failCount > 0}
 * @param failCount         how many requests still fail; -1 means every request
 * @param retryAfterSeconds {@code Retry-After} sent with failures (0: none)
 * @param resetAfterTokens  close the connection after this many streamed tokens (0: never)
 */
public record Behaviour(long ttftMs, long interTokenMs, int tokens, int failStatus, int failCount,
                        int retryAfterSeconds, int resetAfterTokens) {

    public static final Behaviour DEFAULT = new Behaviour(20, 5, 24, 0, 0, 0, 0);

    public boolean failsNow() {
        return failStatus > 0 && failCount != 0;
    }

    public Behaviour afterOneFailure() {
        return failCount > 0 ? new Behaviour(ttftMs, interTokenMs, tokens, failStatus, failCount - 1, retryAfterSeconds, resetAfterTokens) : this;
    }
}
