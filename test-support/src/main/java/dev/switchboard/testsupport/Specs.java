package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validates JSON documents against the official OpenAPI descriptions in {@code ../shared/specs}
 * (OpenAI, OpenRouter, Anthropic, Gemini, Mistral), schema by schema, with a JSON Schema 2020-12
 * validator. The directory is found from the project root ({@code -Dswitchboard.root}, else the
 * nearest directory upwards holding {@code mvnw}).
 */
public final class Specs {

    public static final String OPENAI = "openai.openapi.yaml";
    public static final String OPENROUTER = "openrouter.openapi.yaml";
    public static final String ANTHROPIC = "anthropic.openapi.json";
    public static final String GEMINI = "gemini.openapi.json";
    public static final String MISTRAL = "mistral.openapi.yaml";

    private static final Map<String, String> DOCUMENTS = new HashMap<>();
    private static final Map<String, Schema> SCHEMAS = new HashMap<>();
    private static SchemaRegistry registry;

    private Specs() {}

    private static synchronized SchemaRegistry registry() {
        if (registry == null) {
            Path specs = projectRoot().resolve("../shared/specs").normalize();
            // documents are parsed on first use: the OpenAI description alone is 3 MB of YAML
            registry = SchemaRegistry.withDefaultDialect(
                    SpecificationVersion.DRAFT_2020_12,
                    b -> b.schemas(uri -> {
                        for (String file : List.of(OPENAI, OPENROUTER, ANTHROPIC, GEMINI, MISTRAL)) {
                            if (uri(file).equals(uri)) {
                                return DOCUMENTS.computeIfAbsent(uri, u -> json(specs.resolve(file)));
                            }
                        }
                        return null;
                    }));
        }
        return registry;
    }

    /** The repository root: {@code -Dswitchboard.root}, else the nearest directory upwards from here with {@code mvnw}. */
    public static Path projectRoot() {
        String configured = System.getProperty("switchboard.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "cannot find the project root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
    }

    private static String uri(String file) {
        return "https://specs.switchboard.test/" + file;
    }

    private static String json(Path file) {
        try {
            ObjectMapper reader =
                    file.toString().endsWith(".yaml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode tree = reader.readTree(Files.readAllBytes(file));
            nullable(tree);
            return new ObjectMapper().writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spec " + file, e);
        }
    }

    /**
     * OpenAI's description says OpenAPI 3.1 but marks optional-null fields with OpenAPI 3.0's
     * {@code nullable: true}, which JSON Schema 2020-12 ignores. Read it as OpenAPI means it:
     * {@code type: X, nullable: true} becomes {@code type: [X, "null"]} (and null joins an enum).
     */
    private static void nullable(com.fasterxml.jackson.databind.JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            if (object.path("nullable").asBoolean(false) && object.path("type").isTextual()) {
                String type = object.get("type").asText();
                object.putArray("type").add(type).add("null");
                if (object.path("enum").isArray()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) object.get("enum")).addNull();
                }
            }
            object.forEach(Specs::nullable);
        } else if (node != null && node.isArray()) {
            node.forEach(Specs::nullable);
        }
    }

    /** A schema of {@code components/schemas}. */
    public static void assertComponent(String spec, String component, String json) {
        assertValid(spec, "#/components/schemas/" + component, json);
    }

    /** The response schema of an operation (for specs that define it inline). */
    public static void assertResponse(String spec, String path, String method, String status, String json) {
        String pointer = "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method + "/responses/" + status
                + "/content/application~1json/schema";
        assertValid(spec, pointer, json);
    }

    private static void assertValid(String spec, String pointer, String json) {
        assertThat(errors(spec, pointer, json))
                .as("%s %s against %s", spec, pointer, json.length() > 2000 ? json.substring(0, 2000) + "..." : json)
                .isEmpty();
    }

    /** What is wrong with {@code json} as an instance of the component schema (empty when valid). */
    public static List<String> componentErrors(String spec, String component, String json) {
        return errors(spec, "#/components/schemas/" + component, json);
    }

    private static List<String> errors(String spec, String pointer, String json) {
        Schema schema;
        synchronized (Specs.class) {
            schema = SCHEMAS.computeIfAbsent(
                    spec + pointer, k -> registry().getSchema(SchemaLocation.of(uri(spec) + pointer)));
        }
        return schema.validate(json, InputFormat.JSON).stream()
                .map(Error::toString)
                .toList();
    }
}
