package dev.switchboard.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A part of a message's content. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
        @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image")
})
public sealed interface ContentPart {

    record Text(String text) implements ContentPart {
    }

    /** An image by URL, which may be a {@code data:} URL carrying base64 bytes. */
    record Image(String url, String detail) implements ContentPart {
    }
}
