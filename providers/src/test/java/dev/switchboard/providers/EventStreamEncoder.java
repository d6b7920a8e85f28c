package dev.switchboard.providers;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Writes AWS event stream messages (string headers only), for fixtures of Bedrock streams. */
public final class EventStreamEncoder {

    private EventStreamEncoder() {}

    /** An event message ({@code :message-type} event) or, when {@code exception} is true, an exception message. */
    public static byte[] message(String type, String payload, boolean exception) {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        if (exception) {
            header(headers, ":message-type", "exception");
            header(headers, ":exception-type", type);
        } else {
            header(headers, ":message-type", "event");
            header(headers, ":event-type", type);
        }
        header(headers, ":content-type", "application/json");
        byte[] h = headers.toByteArray();
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        int total = 12 + h.length + p.length + 4;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(h.length);
        out.putInt((int) crc(out.array(), 0, 8));
        out.put(h).put(p);
        out.putInt((int) crc(out.array(), 0, total - 4));
        return out.array();
    }

    private static void header(ByteArrayOutputStream out, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.write(n.length);
        out.writeBytes(n);
        out.write(7);
        out.write(v.length >> 8);
        out.write(v.length & 0xff);
        out.writeBytes(v);
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
