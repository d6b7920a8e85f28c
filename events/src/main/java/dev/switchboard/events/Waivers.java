package dev.switchboard.events;

/**
 * Which requests cost nothing, read from their usage event: one rule, which billing applies to the
 * ledger and the router to the cost it finishes a credit hold with, so that what a hold keeps reserved
 * until its charge comes is exactly what the charge takes (a hold finished at a cost its charge then
 * waives would keep that cost reserved for good).
 */
public final class Waivers {

    private Waivers() {}

    /**
     * Zero-completion insurance (as OpenRouter's): a request that produced no output token and did not
     * finish successfully (it failed, timed out or was cancelled before any output, or the provider
     * ended it without a finish reason or with an error one) costs nothing at all, per-request and
     * per-image fees included, even though a provider was tried. A streamed request that failed after
     * some output is charged for the output the client received, and its fees; a non-streamed one that
     * did not succeed received nothing (the edge answers an error without the partial answer) and costs
     * nothing either. An embedding has no output tokens: it is charged when it succeeded. Null when the
     * request is charged, else the reason, kept in the ledger. Only a generation's first (or only)
     * event can be waived: a long stream's later events follow output already billed.
     */
    public static String reason(UsageV1 usage) {
        if (usage.provider() == null || usage.billedBefore() != null) {
            return null;
        }
        boolean success = "success".equals(usage.status());
        if (usage.embedding()) {
            return success ? null : "zero completion: " + usage.status() + errorClass(usage);
        }
        if (usage.completionTokens() > 0 || usage.reasoningTokens() > 0) {
            // a client that did not ask for a stream gets the answer whole or an error without it: an
            // answer cut short (by credit, a provider failure, a disconnect) reached it not at all
            return usage.streamed() || success
                    ? null
                    : "not delivered: a non-streamed answer that ended in " + usage.status() + errorClass(usage);
        }
        boolean finished = success
                && usage.finishReason() != null
                && !usage.finishReason().isBlank()
                && !"error".equals(usage.finishReason());
        if (finished) {
            return null;
        }
        return "zero completion: " + usage.status()
                + errorClass(usage)
                + (success ? ", finish reason " + (usage.finishReason() == null ? "none" : usage.finishReason()) : "");
    }

    /** Whether the request costs nothing ({@link #reason} names why). */
    public static boolean waived(UsageV1 usage) {
        return reason(usage) != null;
    }

    private static String errorClass(UsageV1 usage) {
        return usage.errorClass() == null ? "" : " (" + usage.errorClass() + ")";
    }
}
