package dev.switchboard.simulator;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * AWS event-stream framing (application/vnd.amazon.eventstream), as Bedrock's ConverseStream sends
 * it: [total length u32][headers length u32][prelude CRC32][headers][payload][message CRC32], each
 * header as name length u8, name, type 7 (string), value length u16, value.
 */
public final class EventStreamWriter {

    private static final byte STRING = 7;

    private EventStreamWriter() {}

    /** An event: {@code :event-type}, {@code :content-type application/json}, {@code :message-type event}. */
    public static Buffer event(String eventType, String jsonPayload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return message(headers, jsonPayload.getBytes(StandardCharsets.UTF_8));
    }

    /** An in-stream exception such as {@code throttlingException}, with payload {@code {"message":...}}. */
    public static Buffer exception(String exceptionType, String jsonPayload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "exception");
        return message(headers, jsonPayload.getBytes(StandardCharsets.UTF_8));
    }

    public static Buffer message(Map<String, String> headers, byte[] payload) {
        Buffer encodedHeaders = Buffer.buffer();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            encodedHeaders
                    .appendByte((byte) n.length)
                    .appendBytes(n)
                    .appendByte(STRING)
                    .appendShort((short) v.length)
                    .appendBytes(v);
        });
        int total = 4 + 4 + 4 + encodedHeaders.length() + payload.length + 4;
        Buffer out = Buffer.buffer(total);
        out.appendInt(total).appendInt(encodedHeaders.length());
        out.appendUnsignedInt(crc(out.getBytes(0, 8)));
        out.appendBuffer(encodedHeaders).appendBytes(payload);
        out.appendUnsignedInt(crc(out.getBytes()));
        return out;
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
