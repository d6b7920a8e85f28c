package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class BedrockFamilyTest extends SimulatorHarness {

    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1%3A0";
    static final String AKID = "sim-bedrock-akid";
    static final String SECRET = "sim-bedrock-key";
    static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Weather in Paris?\"}]}]";
    static final String TOOLS = """
            "toolConfig":{"tools":[
              {"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}},
              {"toolSpec":{"name":"get_time","inputSchema":{"json":{"type":"object","properties":{"zone":{"type":"string"},"hours":{"type":"integer"}}}}}}]}""";
    /** Headers the JDK client sets itself and refuses to take from callers. */
    static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** Signs with the AWS SDK's own SigV4 signer, as the router does, then sends {@code sentBody} (normally the same). */
    static HttpResponse<byte[]> signed(String operation, String signedBody, String sentBody, String akid, String secret)
            throws Exception {
        URI uri = uri("/bedrock/model/" + MODEL + "/" + operation);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", "application/json")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsCredentialsIdentity.create(akid, secret))
                        .request(request)
                        .payload(ContentStreamProvider.fromUtf8String(signedBody))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        HttpRequest.Builder out =
                HttpRequest.newBuilder(signed.request().getUri()).POST(HttpRequest.BodyPublishers.ofString(sentBody));
        signed.request().forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                values.forEach(v -> out.header(name, v));
            }
        });
        return HTTP.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> signed(String operation, String body) throws Exception {
        return signed(operation, body, body, AKID, SECRET);
    }

    static JsonNode json(byte[] body) {
        return json(new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void sdkSignedRequestsForAModelIdWithAColonAreAccepted() throws Exception {
        HttpResponse<byte[]> response = signed("converse", "{" + ASK + "}");
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.at("/output/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/output/message/content/0/text").asText()).isNotBlank();
        assertThat(body.path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(body.at("/usage/totalTokens").asInt())
                .isEqualTo(body.at("/usage/inputTokens").asInt()
                        + body.at("/usage/outputTokens").asInt());
        assertThat(body.at("/metrics/latencyMs").isNumber()).isTrue();
        assertThat(simulator.credentialFingerprints("bedrock")).containsExactly(ProviderSimulator.fingerprint(AKID));
        assertThat(ProviderSimulator.defaultBedrockCredential("bedrock")).isEqualTo(AKID + ":" + SECRET);
    }

    @Test
    void tamperedBodyWrongSecretOrUnknownKeyAre401() throws Exception {
        String body = "{" + ASK + "}";
        HttpResponse<byte[]> tampered = signed("converse", body, body.replace("Paris", "Lyon"), AKID, SECRET);
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(tampered.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidSignatureException");
        assertThat(json(tampered.body()).path("message").asText()).contains("signature");

        assertThat(signed("converse", body, body, AKID, "wrong-secret").statusCode())
                .isEqualTo(401);

        HttpResponse<byte[]> unknown = signed("converse", body, body, "AKIDCALLER", SECRET);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).hasValue("UnrecognizedClientException");

        HttpResponse<String> unsigned =
                post("/bedrock/model/" + MODEL + "/converse", body, "Authorization", "Bearer " + SECRET);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(simulator.unauthorized("bedrock")).isEqualTo(4);
        assertThat(simulator.credentialFingerprints("bedrock"))
                .contains(ProviderSimulator.fingerprint("AKIDCALLER"), ProviderSimulator.fingerprint(SECRET));
    }

    @Test
    void converseStreamIsEventStreamFramed() throws Exception {
        simulator.behave("bedrock", quick(4));
        HttpResponse<byte[]> response = signed("converse-stream", "{" + ASK + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
        List<Message> messages = decode(response.body());
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.headers().get(":message-type")).isEqualTo("event");
            assertThat(m.headers().get(":content-type")).isEqualTo("application/json");
        });
        assertThat(messages)
                .extracting(m -> m.headers().get(":event-type"))
                .containsExactly(
                        "messageStart",
                        "contentBlockDelta",
                        "contentBlockDelta",
                        "contentBlockDelta",
                        "contentBlockDelta",
                        "contentBlockStop",
                        "messageStop",
                        "metadata");
        StringBuilder text = new StringBuilder();
        messages.stream()
                .filter(m -> m.type().equals("contentBlockDelta"))
                .forEach(m -> text.append(m.json().at("/delta/text").asText()));
        assertThat(text.toString())
                .isEqualTo(json(signed("converse", "{" + ASK + "}").body())
                        .at("/output/message/content/0/text")
                        .asText());
        assertThat(messages.get(6).json().path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(messages.get(7).json().at("/usage/outputTokens").asInt()).isPositive();
        assertThat(messages.get(7).json().at("/metrics/latencyMs").isNumber()).isTrue();
    }

    @Test
    void streamsToolUseInputInFragments() throws Exception {
        simulator.behave("bedrock", quick(4));
        List<Message> messages =
                decode(signed("converse-stream", "{" + ASK + "," + TOOLS + "}").body());
        List<String> names = new ArrayList<>();
        List<StringBuilder> inputs = new ArrayList<>();
        List<Integer> fragments = new ArrayList<>();
        for (Message m : messages) {
            if (m.type().equals("contentBlockStart")) {
                names.add(m.json().at("/start/toolUse/name").asText());
                assertThat(m.json().at("/start/toolUse/toolUseId").asText()).startsWith("tooluse_");
                inputs.add(new StringBuilder());
                fragments.add(0);
            } else if (m.type().equals("contentBlockDelta")) {
                int index = m.json().path("contentBlockIndex").asInt();
                inputs.get(index).append(m.json().at("/delta/toolUse/input").asText());
                fragments.set(index, fragments.get(index) + 1);
            }
        }
        assertThat(names).containsExactly("get_weather", "get_time");
        assertThat(fragments).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
        assertThat(json(inputs.get(1).toString())).isEqualTo(json("{\"zone\":\"switchboard\",\"hours\":42}"));
        assertThat(messages.stream()
                        .filter(m -> m.type().equals("messageStop"))
                        .findFirst()
                        .orElseThrow()
                        .json()
                        .path("stopReason")
                        .asText())
                .isEqualTo("tool_use");

        JsonNode forced = json(signed(
                        "converse",
                        "{" + ASK + "," + TOOLS.replace("]}", "],\"toolChoice\":{\"tool\":{\"name\":\"get_time\"}}}")
                                + "}")
                .body());
        assertThat(forced.at("/output/message/content")).hasSize(1);
        assertThat(forced.at("/output/message/content/0/toolUse/name").asText()).isEqualTo("get_time");
    }

    @Test
    void toolResultsAndReasoning() throws Exception {
        JsonNode answer = json(signed("converse", """
                {"messages":[{"role":"user","content":[{"text":"Weather?"}]},
                 {"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]},
                 {"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_1","content":[{"json":{"temp":21}}]}}]}]}""").body());
        assertThat(answer.at("/output/message/content/0/text").asText()).startsWith("Tool result: {\"temp\":21} ");

        String thinking =
                ",\"additionalModelRequestFields\":{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}";
        JsonNode reasoned = json(signed("converse", "{" + ASK + thinking + "}").body());
        assertThat(reasoned.at("/output/message/content/0/reasoningContent/reasoningText/text")
                        .asText())
                .isNotBlank();
        assertThat(reasoned.at("/output/message/content/0/reasoningContent/reasoningText/signature")
                        .asText())
                .isNotBlank();
        simulator.behave("bedrock", quick(2));
        List<JsonNode> reasoning = decode(
                        signed("converse-stream", "{" + ASK + thinking + "}").body())
                .stream()
                .filter(m -> m.json().at("/delta").has("reasoningContent"))
                .map(m -> m.json().at("/delta/reasoningContent"))
                .toList();
        assertThat(reasoning.getLast().has("signature")).isTrue();
        assertThat(reasoning.subList(0, reasoning.size() - 1))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.has("text")).isTrue());
    }

    @Test
    void claudeThinkingSignaturesMustComeBack() throws Exception {
        String thinking =
                ",\"additionalModelRequestFields\":{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}";
        JsonNode first = json(
                signed("converse", "{" + ASK + "," + TOOLS + thinking + "}").body());
        ArrayNode content = (ArrayNode) first.at("/output/message/content");
        assertThat(content.get(0).has("reasoningContent")).isTrue();
        assertThat(content.get(1).has("toolUse")).isTrue();

        assertThat(followUp(content, thinking).statusCode()).isEqualTo(200);

        ArrayNode stripped = content.deepCopy();
        stripped.remove(0);
        HttpResponse<byte[]> missing = followUp(stripped, thinking);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
        assertThat(json(missing.body()).path("message").asText())
                .contains("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`");

        ArrayNode forged = content.deepCopy();
        ((ObjectNode) forged.get(0).at("/reasoningContent/reasoningText")).put("text", "Something else.");
        assertThat(followUp(forged, thinking).statusCode()).isEqualTo(400);
        assertThat(followUp(stripped, "").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<byte[]> followUp(ArrayNode assistantContent, String thinking) throws Exception {
        ObjectNode body = (ObjectNode) SimulatorHarness.json("{" + ASK + "," + TOOLS + thinking + "}");
        ArrayNode messages = (ArrayNode) body.path("messages");
        messages.addObject().put("role", "assistant").set("content", assistantContent);
        ArrayNode results = messages.addObject().put("role", "user").putArray("content");
        for (JsonNode block : assistantContent) {
            if (block.has("toolUse")) {
                ObjectNode result = results.addObject()
                        .putObject("toolResult")
                        .put("toolUseId", block.at("/toolUse/toolUseId").asText());
                result.putArray("content").addObject().put("text", "sunny");
            }
        }
        return signed("converse", body.toString());
    }

    @Test
    void faultsInBedrockFraming() throws Exception {
        simulator.behave("bedrock", new Behaviour(1, 1, 6, 0, 0, 0, 0, 0, 0, 2, 0, 0));
        List<Message> failed = decode(signed("converse-stream", "{" + ASK + "}").body());
        assertThat(failed.getLast().headers())
                .containsEntry(":message-type", "exception")
                .containsEntry(":exception-type", "throttlingException");
        assertThat(failed.getLast().json().path("message").asText()).isNotBlank();

        simulator.behave("bedrock", new Behaviour(1, 1, 6, 0, 0, 0, 0, 0, 3, 0, 0, 0));
        List<Message> truncated =
                decode(signed("converse-stream", "{" + ASK + "}").body());
        assertThat(truncated)
                .extracting(Message::type)
                .containsExactly("messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta");

        simulator.behave("bedrock", new Behaviour(1, 1, 6, 0, 0, 0, 0, 2, 0, 0, 0, 0));
        List<Message> malformed =
                decode(signed("converse-stream", "{" + ASK + "}").body());
        assertThat(malformed).hasSize(4);
        assertThat(Json.parse(new String(malformed.getLast().payload(), StandardCharsets.UTF_8))
                        .isMissingNode())
                .isTrue();

        simulator.behave("bedrock", new Behaviour(1, 1, 6, 429, 1, 3, 0));
        HttpResponse<byte[]> throttled = signed("converse", "{" + ASK + "}");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("x-amzn-ErrorType")).hasValue("ThrottlingException");
        assertThat(throttled.headers().firstValue("retry-after")).hasValue("3");
    }

    record Message(Map<String, String> headers, byte[] payload) {
        String type() {
            return headers.getOrDefault(":event-type", "");
        }

        JsonNode json() {
            return SimulatorHarness.json(new String(payload, StandardCharsets.UTF_8));
        }
    }

    /** An event-stream decoder written from the framing spec, checking both CRCs of every message. */
    static List<Message> decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Message> out = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            int total = in.getInt();
            int headersLength = in.getInt();
            long preludeCrc = Integer.toUnsignedLong(in.getInt());
            assertThat(preludeCrc).as("prelude CRC").isEqualTo(crc(bytes, start, 8));
            Map<String, String> headers = new HashMap<>();
            int headersEnd = in.position() + headersLength;
            while (in.position() < headersEnd) {
                byte[] name = new byte[in.get() & 0xff];
                in.get(name);
                assertThat(in.get()).as("header value type").isEqualTo((byte) 7);
                byte[] value = new byte[in.getShort() & 0xffff];
                in.get(value);
                headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
            }
            byte[] payload = new byte[total - 12 - headersLength - 4];
            in.get(payload);
            long messageCrc = Integer.toUnsignedLong(in.getInt());
            assertThat(messageCrc).as("message CRC").isEqualTo(crc(bytes, start, total - 4));
            out.add(new Message(headers, payload));
        }
        return out;
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
