package dev.switchboard.providers;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Reads the JSON frames of response streams into a family's frame classes.
 *
 * <p>Why not {@code readTree} per frame: a tree of every field, plus a new parser with its buffers,
 * contexts and field-name table, costs 2–3 KB per frame, several times the frame itself. Here each
 * thread keeps one non-blocking parser, fed each frame's bytes where the decoder holds them: every
 * frame is one whole JSON value, so between frames the parser is back at the root and carries
 * nothing from one stream to the next except the field names it has learned. Binding to classes
 * that declare only the fields the translator reads skips every other field without
 * materializing it. A frame then costs its bound objects and the strings the translator keeps
 * (bench/translation.sh measures it).
 *
 * <p>Each frame must be exactly one JSON object: malformed or truncated JSON, anything after the
 * object, and a field of the wrong JSON type are malformed frames ({@link UpstreamFailure}); the
 * thread's parser is then replaced, so one bad stream cannot disturb the next.
 */
public final class FrameParser {

    private static final ObjectMapper FRAMES = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectReader TREE = FRAMES.readerFor(JsonNode.class);
    private static final ThreadLocal<FrameParser> THREAD = ThreadLocal.withInitial(FrameParser::new);

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final JsonParser complete;

    private FrameParser() {
        try {
            parser = FRAMES.getFactory().createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a JSON parser", e);
        }
        feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        complete = new CompleteValue(parser);
    }

    /** The reader binding frames to {@code type} (public fields; unknown fields skipped). Keep it in a static field. */
    public static ObjectReader reader(Class<?> type) {
        return FRAMES.readerFor(type);
    }

    /** The frame bound by {@code reader}. */
    public static <T> T read(ObjectReader reader, byte[] data, int offset, int length) {
        FrameParser frames = THREAD.get();
        try {
            frames.feeder.feedInput(data, offset, offset + length);
            if (frames.complete.nextToken() != JsonToken.START_OBJECT) {
                throw UpstreamFailure.malformed("event is not a JSON object");
            }
            T value = reader.readValue(frames.complete);
            // the object must end the frame: only whitespace may follow
            if (frames.parser.nextToken() != JsonToken.NOT_AVAILABLE) {
                throw UpstreamFailure.malformed("event holds more than one JSON value");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            THREAD.remove();
            if (e instanceof UpstreamFailure failure) {
                throw failure;
            }
            throw UpstreamFailure.malformed("event is not a JSON object of the expected shape");
        }
    }

    /** The frame as a tree, for frames read rarely (errors, exceptions). */
    public static JsonNode tree(byte[] data, int offset, int length) {
        return read(TREE, data, offset, length);
    }

    /**
     * The parser as data binding sees it: running out of input inside the value (which the
     * non-blocking parser reports as {@code NOT_AVAILABLE}, and binding would wait on forever) is a
     * parse error, since every frame is whole.
     */
    private static final class CompleteValue extends JsonParserDelegate {

        CompleteValue(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == JsonToken.NOT_AVAILABLE) {
                throw new JsonParseException(this, "frame ends inside a JSON value");
            }
            return token;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public String nextFieldName() throws IOException {
            return nextToken() == JsonToken.FIELD_NAME ? currentName() : null;
        }

        @Override
        public boolean nextFieldName(SerializableString name) throws IOException {
            return nextToken() == JsonToken.FIELD_NAME && name.getValue().equals(currentName());
        }

        @Override
        public String nextTextValue() throws IOException {
            return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
        }

        @Override
        public int nextIntValue(int defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
        }

        @Override
        public long nextLongValue(long defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
        }

        @Override
        public Boolean nextBooleanValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.VALUE_TRUE ? Boolean.TRUE : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken token = currentToken();
            if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
                return this;
            }
            int open = 1;
            while (open > 0) {
                JsonToken next = nextToken();
                if (next == null) {
                    return this;
                }
                if (next.isStructStart()) {
                    open++;
                } else if (next.isStructEnd()) {
                    open--;
                }
            }
            return this;
        }
    }
}
