package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.events.EventCodec;

import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** Test copies of event data records with some fields changed, by their wire names. */
public final class Events {

    private Events() {}

    /**
     * {@code data} with the given fields (snake_case, as on the wire) set to new values, a null value
     * included: a copy without spelling out every other component of the record.
     */
    @SuppressWarnings("unchecked")
    public static <T> T with(T data, Object... fieldsAndValues) {
        if (fieldsAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("field names and values come in pairs");
        }
        Map<String, Object> fields = new HashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        ObjectNode tree = EventCodec.mapper().valueToTree(data);
        java.util.Set<String> known = new java.util.HashSet<>();
        for (var component : data.getClass().getRecordComponents()) {
            known.add(component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT));
        }
        fields.forEach((name, value) -> {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(data.getClass().getSimpleName() + " has no field " + name);
            }
            tree.set(name, EventCodec.mapper().<JsonNode>valueToTree(value));
        });
        try {
            return (T) EventCodec.mapper().treeToValue(tree, data.getClass());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
