package dev.switchboard.router.usage;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.events.UsageV1;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.wire.Usage;

import java.util.function.IntSupplier;

/**
 * What a request consumed, and what it costs at the endpoint's prices: the provider's own counts
 * when it reported them on a completed answer, else the router's (the prompt as counted before
 * routing, the output as counted while it streamed, both with jtokkit). A request that produced no
 * output and did not succeed consumed nothing.
 */
public final class UsageCount {

    private static final Usage NOTHING = new Usage(0, 0, 0, 0, 0, Usage.SOURCE_ESTIMATED);

    private UsageCount() {}

    /**
     * @param endpoint            the endpoint that served (null when no attempt started)
     * @param translator          the serving attempt's translator (null when none)
     * @param outputStarted       whether any output reached the client
     * @param cancelled           whether the client went away
     * @param promptTokens        the router's count of the prompt
     * @param countedOutput       the router's count of the output so far (asked only when needed)
     * @param images              input images (their fee applies once)
     */
    public static Usage of(
            EndpointSpec endpoint,
            StreamTranslator translator,
            boolean outputStarted,
            boolean cancelled,
            int promptTokens,
            IntSupplier countedOutput,
            int images) {
        boolean succeeded = translator != null && translator.completed() && !cancelled;
        if (endpoint == null || (!outputStarted && !succeeded)) {
            return NOTHING;
        }
        StreamTranslator.ReportedUsage reported = translator == null ? null : translator.reportedUsage();
        if (reported != null && succeeded) {
            return priced(
                    endpoint,
                    reported.promptTokens(),
                    reported.completionTokens(),
                    reported.cachedPromptTokens(),
                    reported.reasoningTokens(),
                    images,
                    Usage.SOURCE_PROVIDER);
        }
        return priced(endpoint, promptTokens, countedOutput.getAsInt(), 0, 0, images, Usage.SOURCE_ESTIMATED);
    }

    /**
     * Switchboard's own count beside {@code usage}: the prompt as counted before routing and the output
     * the client received as the credit meter counted it while it streamed (jtokkit per delta, so no
     * second pass over the text: {@code bench/usage-count.sh} measures ~180 ns a token for one); asked
     * only when the provider's figures are in {@code usage}, an estimate already being the count. Null
     * when nothing was served.
     */
    public static UsageV1.Counted counted(
            EndpointSpec endpoint, Usage usage, int promptTokens, IntSupplier countedOutput) {
        if (endpoint == null) {
            return null;
        }
        int output = Usage.SOURCE_PROVIDER.equals(usage.source()) ? countedOutput.getAsInt() : usage.completionTokens();
        return new UsageV1.Counted(promptTokens, output);
    }

    private static Usage priced(
            EndpointSpec endpoint, int prompt, int completion, int cached, int reasoning, int images, String source) {
        long cost = Pricing.costNanos(endpoint.prices(), prompt, completion, cached, reasoning, images);
        return new Usage(prompt, completion, cached, reasoning, cost, source);
    }
}
