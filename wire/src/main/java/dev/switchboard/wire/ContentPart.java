package dev.switchboard.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/** A part of a message's content. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
    @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
    @JsonSubTypes.Type(value = ContentPart.File.class, name = "file"),
    @JsonSubTypes.Type(value = ContentPart.Audio.class, name = "audio")
})
public sealed interface ContentPart {

    /**
     * Text. {@code cacheControl} is the client's prompt-caching marker (Anthropic's
     * {@code {"type":"ephemeral"}}), passed to providers that take it and dropped for the others.
     */
    record Text(String text, JsonNode cacheControl) implements ContentPart {
        public Text {
            cacheControl = cacheControl == null || cacheControl.isNull() ? null : cacheControl;
        }

        public Text(String text) {
            this(text, null);
        }
    }

    /** An image by URL, which may be a {@code data:} URL carrying base64 bytes. */
    record Image(String url, String detail) implements ContentPart {}

    /**
     * A document (PDF and the like): {@code data} is a {@code data:} URL or plain base64 with
     * {@code mediaType}; {@code fileId} refers to a file uploaded to the provider. Passed through to
     * providers that read documents.
     */
    record File(String filename, String data, String mediaType, String fileId) implements ContentPart {}

    /** Audio input, base64 {@code data} in {@code format} ({@code wav}, {@code mp3}). */
    record Audio(String data, String format) implements ContentPart {}
}
