package dev.switchboard.router.stream;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Decoder of the AWS event stream framing ({@code application/vnd.amazon.eventstream}), as Bedrock's
 * ConverseStream sends it. Each message is
 * {@code [total length u32][headers length u32][prelude CRC32][headers][payload][message CRC32]},
 * big-endian; a header is {@code [name length u8][name][type u8][value]}. Both checksums are verified:
 * a corrupted stream is a framing error, never a half-read event.
 *
 * <p>Event messages ({@code :message-type} event) go to the listener as their {@code :event-type} and
 * payload; exception and error messages as their {@code :exception-type} (or {@code :error-code})
 * and payload, so the translator can tell them apart by name.
 */
final class EventStreamDecoder implements FrameDecoder {

    private static final int PRELUDE = 12;
    private static final int MIN_MESSAGE = PRELUDE + 4;

    private final Listener listener;
    private final int maxFrameBytes;
    private Buffer pending = Buffer.buffer();

    EventStreamDecoder(Listener listener, int maxFrameBytes) {
        this.listener = listener;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int offset = 0;
        while (pending.length() - offset >= PRELUDE) {
            long total = pending.getUnsignedInt(offset);
            long headers = pending.getUnsignedInt(offset + 4);
            if (total < MIN_MESSAGE || total > maxFrameBytes || headers > total - MIN_MESSAGE) {
                throw new IllegalStateException("event stream message of " + total + " bytes with " + headers + " bytes of headers");
            }
            if (crc(pending, offset, 8) != pending.getUnsignedInt(offset + 8)) {
                throw new IllegalStateException("event stream prelude checksum mismatch");
            }
            if (pending.length() - offset < total) {
                break;
            }
            int end = offset + (int) total;
            if (crc(pending, offset, (int) total - 4) != pending.getUnsignedInt(end - 4)) {
                throw new IllegalStateException("event stream message checksum mismatch");
            }
            message(offset + PRELUDE, (int) headers, end - 4);
            offset = end;
        }
        if (offset > 0) {
            pending = pending.getBuffer(offset, pending.length());
        }
    }

    @Override
    public void end() {
        if (pending.length() > 0) {
            throw new IllegalStateException("event stream ended inside a message (" + pending.length() + " bytes left)");
        }
    }

    private void message(int headersStart, int headersLength, int payloadEnd) {
        String messageType = null;
        String eventType = null;
        String exceptionType = null;
        int at = headersStart;
        int headersEnd = headersStart + headersLength;
        while (at < headersEnd) {
            int nameLength = pending.getUnsignedByte(at);
            String name = pending.getString(at + 1, at + 1 + nameLength, "UTF-8");
            at += 1 + nameLength;
            int type = pending.getUnsignedByte(at++);
            String value = null;
            switch (type) {
                case 0, 1 -> {
                    // boolean true / false: no value bytes
                }
                case 2 -> at += 1;
                case 3 -> at += 2;
                case 4 -> at += 4;
                case 5, 8 -> at += 8;
                case 6, 7 -> {
                    int length = pending.getUnsignedShort(at);
                    if (type == 7) {
                        value = pending.getString(at + 2, at + 2 + length, "UTF-8");
                    }
                    at += 2 + length;
                }
                case 9 -> at += 16;
                default -> throw new IllegalStateException("event stream header type " + type);
            }
            switch (name) {
                case ":message-type" -> messageType = value;
                case ":event-type" -> eventType = value;
                case ":exception-type", ":error-code" -> exceptionType = value;
                default -> {
                    // :content-type and the like say nothing the translator needs
                }
            }
        }
        if (at != headersEnd) {
            throw new IllegalStateException("event stream headers overrun their length");
        }
        String payload = new String(pending.getBytes(headersEnd, payloadEnd), StandardCharsets.UTF_8);
        if ("event".equals(messageType)) {
            listener.onFrame(eventType, payload);
        } else {
            listener.onFrame(exceptionType == null ? "unknownException" : exceptionType, payload);
        }
    }

    private static long crc(Buffer buffer, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(buffer.getBytes(offset, offset + length));
        return crc.getValue();
    }
}
