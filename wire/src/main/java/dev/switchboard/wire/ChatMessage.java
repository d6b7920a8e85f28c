package dev.switchboard.wire;

import java.util.List;

/**
 * One message of a conversation. {@code content} holds text, image, file and audio parts in order;
 * an assistant message may carry {@code toolCalls} instead of (or beside) content, and the
 * {@code reasoning} it produced (sent back to providers that require it); a tool message answers
 * the call named by {@code toolCallId}.
 */
public record ChatMessage(
        Role role,
        List<ContentPart> content,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        List<ReasoningPart> reasoning) {

    public ChatMessage {
        content = content == null ? List.of() : List.copyOf(content);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        reasoning = reasoning == null ? List.of() : List.copyOf(reasoning);
    }

    public ChatMessage(Role role, List<ContentPart> content, String name, List<ToolCall> toolCalls, String toolCallId) {
        this(role, content, name, toolCalls, toolCallId, null);
    }

    public static ChatMessage text(Role role, String text) {
        return new ChatMessage(role, List.of(new ContentPart.Text(text)), null, null, null);
    }

    /** The concatenated text parts; images contribute nothing. */
    public String text() {
        if (content.size() == 1 && content.getFirst() instanceof ContentPart.Text only) {
            return only.text();
        }
        var sb = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text text) {
                sb.append(text.text());
            }
        }
        return sb.toString();
    }

    public enum Role {
        SYSTEM,
        DEVELOPER,
        USER,
        ASSISTANT,
        TOOL;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Role parse(String value) {
            return switch (value) {
                case "system" -> SYSTEM;
                case "developer" -> DEVELOPER;
                case "user" -> USER;
                case "assistant" -> ASSISTANT;
                case "tool" -> TOOL;
                default -> throw new IllegalArgumentException("unknown role: " + value);
            };
        }
    }
}
