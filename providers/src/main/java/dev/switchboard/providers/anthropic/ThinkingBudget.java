package dev.switchboard.providers.anthropic;

import dev.switchboard.wire.Reasoning;

/**
 * The {@code budget_tokens} of Claude's extended thinking, for Anthropic's own API and for Claude
 * on Bedrock (same model, same rules). Anthropic refuses a budget under 1024 tokens or one that is
 * not below {@code max_tokens}, so the client's budget (or the share of the cap its effort stands
 * for) is clamped into {@code [1024, maxTokens - 1]}.
 */
public final class ThinkingBudget {

    /** Anthropic's smallest accepted budget. */
    public static final int MIN = 1024;

    private ThinkingBudget() {}

    /**
     * The budget to send, or null when the model should not think: no reasoning was asked for, or
     * the output cap is too small to hold the smallest budget and an answer. In that case the
     * request is answered without thinking rather than refused, as a model that cannot reason
     * would answer it.
     */
    public static Integer of(Reasoning reasoning, int maxTokens) {
        if (reasoning == null || maxTokens <= MIN) {
            return null;
        }
        return Math.min(Math.max(reasoning.budget(maxTokens), MIN), maxTokens - 1);
    }
}
