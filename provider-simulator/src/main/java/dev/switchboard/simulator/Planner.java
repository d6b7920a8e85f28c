package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides the answer from a family-neutral {@link Conversation}: tool calls when tools are offered,
 * allowed and the user spoke last; text that quotes the tool result after one; reasoning first
 * when asked. Deterministic: the same conversation and behaviour always give the same answer.
 */
public final class Planner {

    static final int REASONING_PIECES = 8;
    static final int RESULT_EXCERPT = 60;
    static final String RESULT_PREFIX = "Tool result: ";
    private static final int FRAGMENT_CHARS = 16;

    private Planner() {}

    /** @param tokens the behaviour's answer length, before the request's own cap */
    public static Answer plan(Conversation c, int tokens) {
        List<String> reasoning = c.reasoning() ? TextGenerator.pieces(~c.seed(), REASONING_PIECES) : List.of();
        if (callsTools(c)) {
            return new Answer(reasoning, List.of(), toolCalls(c), Answer.Finish.TOOL_CALLS, c.promptTokens());
        }
        int count = Math.min(tokens, Math.max(0, c.maxTokens()));
        Answer.Finish finish = count < tokens ? Answer.Finish.LENGTH : Answer.Finish.STOP;
        List<String> text = c.lastTurn() == Conversation.Turn.TOOL_RESULT && count > 0
                ? afterToolResult(c, count)
                : TextGenerator.pieces(c.seed(), count);
        return new Answer(reasoning, text, List.of(), finish, c.promptTokens());
    }

    private static boolean callsTools(Conversation c) {
        return !c.tools().isEmpty()
                && c.toolChoice().mode() != Conversation.ToolChoice.Mode.NONE
                && c.lastTurn() == Conversation.Turn.USER;
    }

    /** The forced tool alone; else the first, and the second too when parallel calls are allowed. */
    private static List<Answer.PlannedCall> toolCalls(Conversation c) {
        List<Conversation.Tool> chosen = new ArrayList<>();
        if (c.toolChoice().mode() == Conversation.ToolChoice.Mode.FORCED) {
            chosen.add(c.tools().stream()
                    .filter(t -> t.name().equals(c.toolChoice().name()))
                    .findFirst()
                    .orElse(new Conversation.Tool(c.toolChoice().name(), Json.object())));
        } else {
            chosen.add(c.tools().getFirst());
            if (c.tools().size() >= 2 && c.parallelToolCalls()) {
                chosen.add(c.tools().get(1));
            }
        }
        List<Answer.PlannedCall> calls = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            String arguments = arguments(chosen.get(i).parameters()).toString();
            calls.add(new Answer.PlannedCall(
                    chosen.get(i).name(), arguments, fragments(arguments), c.seed() + 31L * (i + 1)));
        }
        return calls;
    }

    private static List<String> afterToolResult(Conversation c, int count) {
        String result = c.toolResult() == null ? "" : c.toolResult();
        String excerpt = result.codePoints()
                .limit(RESULT_EXCERPT)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        List<String> pieces = new ArrayList<>();
        pieces.add(RESULT_PREFIX + excerpt);
        List<String> filler = TextGenerator.pieces(c.seed(), count - 1);
        for (int i = 0; i < filler.size(); i++) {
            pieces.add(i == 0 ? " " + filler.get(i) : filler.get(i));
        }
        return pieces;
    }

    /** An object with each required property (all, when none is required) set to a value of its type. */
    static ObjectNode arguments(JsonNode schema) {
        ObjectNode out = Json.object();
        JsonNode properties = schema.path("properties");
        List<String> names = new ArrayList<>();
        schema.path("required").forEach(n -> names.add(n.asText()));
        if (names.isEmpty()) {
            properties.fieldNames().forEachRemaining(names::add);
        }
        names.forEach(name -> out.set(name, sample(properties.path(name))));
        return out;
    }

    private static JsonNode sample(JsonNode schema) {
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0);
        }
        return switch (type(schema)) {
            case "integer" -> Json.MAPPER.getNodeFactory().numberNode(42);
            case "number" -> Json.MAPPER.getNodeFactory().numberNode(4.2);
            case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(true);
            case "array" -> Json.array();
            case "object" -> Json.object();
            default -> TextNode.valueOf("switchboard");
        };
    }

    /** The schema's type, lower-cased (Gemini writes STRING): the first non-null of a type list, else the first alternative's. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equalsIgnoreCase(t.asText())) {
                    return t.asText().toLowerCase(Locale.ROOT);
                }
            }
        }
        if (type.isTextual()) {
            return type.asText().toLowerCase(Locale.ROOT);
        }
        for (String alternatives : List.of("anyOf", "oneOf")) {
            if (schema.path(alternatives).isArray()
                    && !schema.path(alternatives).isEmpty()) {
                return type(schema.path(alternatives).get(0));
            }
        }
        return schema.has("properties") ? "object" : "string";
    }

    /** At least three pieces (fewer only for shorter text), about 16 characters each, never splitting a surrogate pair. */
    static List<String> fragments(String text) {
        int n = Math.min(text.length(), Math.max(3, (text.length() + FRAGMENT_CHARS - 1) / FRAGMENT_CHARS));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= n; i++) {
            int end = i == n ? text.length() : (int) ((long) text.length() * i / n);
            if (end < text.length() && end > 0 && Character.isLowSurrogate(text.charAt(end))) {
                end++;
            }
            if (end > start) {
                out.add(text.substring(start, end));
                start = end;
            }
        }
        return out;
    }
}
