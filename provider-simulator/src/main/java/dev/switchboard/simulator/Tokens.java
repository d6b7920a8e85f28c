package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Token counts with o200k, so usage is plausible and identical for identical requests. */
public final class Tokens {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    /** Fields whose string value is prose the model reads. */
    private static final Set<String> TEXT_FIELDS =
            Set.of("text", "content", "thinking", "arguments", "system", "tool_plan");
    /** Fields whose value is structured data the model reads (tool arguments and results). */
    private static final Set<String> DATA_FIELDS = Set.of("args", "input", "response", "json");

    private Tokens() {}

    public static int count(String text) {
        return text.isEmpty() ? 0 : O200K.countTokens(text);
    }

    /** Tokens of the prose and tool data anywhere under the nodes: a count that works for every family's request shape. */
    public static int ofText(JsonNode... nodes) {
        int total = 0;
        for (JsonNode node : nodes) {
            total += walk(node);
        }
        return total;
    }

    private static int walk(JsonNode node) {
        int total = 0;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isTextual() && TEXT_FIELDS.contains(field.getKey())) {
                    total += count(value.asText());
                } else if (value.isObject() && DATA_FIELDS.contains(field.getKey())) {
                    total += count(value.toString());
                } else {
                    total += walk(value);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                total += item.isTextual() ? count(item.asText()) : walk(item);
            }
        } else if (node.isTextual()) {
            total += count(node.asText());
        }
        return total;
    }
}
