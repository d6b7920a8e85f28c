package dev.switchboard.wire;

/**
 * The client asked the model to think before answering. Either an {@code effort}
 * ({@code minimal}, {@code low}, {@code medium}, {@code high}) or a token budget {@code maxTokens},
 * or both; adapters translate whichever their provider understands (a budget from an effort or the
 * reverse, see {@link #budget}). {@code exclude}: think, but do not return the reasoning text.
 */
public record Reasoning(String effort, Integer maxTokens, boolean exclude) {

    /** Shares of the output cap spent on thinking per effort, as OpenRouter documents them. */
    public int budget(int maxOutputTokens) {
        if (maxTokens != null) {
            return maxTokens;
        }
        double share = switch (effort == null ? "medium" : effort) {
            case "minimal" -> 0.1;
            case "low" -> 0.2;
            case "high" -> 0.8;
            default -> 0.5;
        };
        return Math.max(1024, (int) (maxOutputTokens * share));
    }

    /** The effort level, derived from the budget's share of the cap when only a budget was given. */
    public String effortOr(int maxOutputTokens) {
        if (effort != null) {
            return effort;
        }
        double share = maxOutputTokens <= 0 ? 0.5 : (double) maxTokens / maxOutputTokens;
        return share <= 0.2 ? "low" : share <= 0.5 ? "medium" : "high";
    }
}
