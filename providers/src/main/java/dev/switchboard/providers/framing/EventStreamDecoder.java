package dev.switchboard.providers.framing;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 *
 * <p>Bytes gather in one growing array that is compacted as messages are consumed; the payload is
 * handed to the listener in place, and header names are compared as bytes, so a message costs no
 * allocation beyond its type names' strings (kept while they repeat, as they do message after message).
 */
final class EventStreamDecoder implements FrameDecoder {

    private static final int PRELUDE = 12;
    private static final int MIN_MESSAGE = PRELUDE + 4;
    private static final byte[] MESSAGE_TYPE = ascii(":message-type");
    private static final byte[] EVENT_TYPE = ascii(":event-type");
    private static final byte[] EXCEPTION_TYPE = ascii(":exception-type");
    private static final byte[] ERROR_CODE = ascii(":error-code");
    private static final byte[] EVENT = ascii("event");

    private final Listener listener;
    private final int maxFrameBytes;
    private final CRC32 crc = new CRC32();
    private byte[] pending = new byte[1024];
    private int length;
    /** The last type name decoded, reused while the next message carries the same bytes. */
    private String lastName = "";

    private byte[] lastNameBytes = new byte[0];

    EventStreamDecoder(Listener listener, int maxFrameBytes) {
        this.listener = listener;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void feed(Buffer chunk) {
        int size = chunk.length();
        if (length + size > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(length + size, pending.length * 2));
        }
        chunk.getBytes(0, size, pending, length);
        length += size;
        int offset = 0;
        while (length - offset >= PRELUDE) {
            long total = u32(offset);
            long headers = u32(offset + 4);
            if (total < MIN_MESSAGE || total > maxFrameBytes || headers > total - MIN_MESSAGE) {
                throw new IllegalStateException(
                        "event stream message of " + total + " bytes with " + headers + " bytes of headers");
            }
            if (crc(offset, 8) != u32(offset + 8)) {
                throw new IllegalStateException("event stream prelude checksum mismatch");
            }
            if (length - offset < total) {
                break;
            }
            int end = offset + (int) total;
            if (crc(offset, (int) total - 4) != u32(end - 4)) {
                throw new IllegalStateException("event stream message checksum mismatch");
            }
            message(offset + PRELUDE, (int) headers, end - 4);
            offset = end;
        }
        if (offset > 0) {
            System.arraycopy(pending, offset, pending, 0, length - offset);
            length -= offset;
        }
    }

    @Override
    public void end() {
        if (length > 0) {
            throw new IllegalStateException("event stream ended inside a message (" + length + " bytes left)");
        }
    }

    private void message(int headersStart, int headersLength, int payloadEnd) {
        boolean event = false;
        String eventType = null;
        String exceptionType = null;
        int at = headersStart;
        int headersEnd = headersStart + headersLength;
        while (at < headersEnd) {
            int nameLength = pending[at] & 0xFF;
            int name = at + 1;
            at = name + nameLength;
            int type = pending[at++] & 0xFF;
            int value = -1;
            int valueLength = 0;
            switch (type) {
                case 0, 1 -> {
                    // boolean true / false: no value bytes
                }
                case 2 -> at += 1;
                case 3 -> at += 2;
                case 4 -> at += 4;
                case 5, 8 -> at += 8;
                case 6, 7 -> {
                    valueLength = ((pending[at] & 0xFF) << 8) | (pending[at + 1] & 0xFF);
                    value = type == 7 ? at + 2 : -1;
                    at += 2 + valueLength;
                }
                case 9 -> at += 16;
                default -> throw new IllegalStateException("event stream header type " + type);
            }
            if (at > headersEnd) {
                break;
            }
            if (value < 0) {
                continue;
            }
            if (is(MESSAGE_TYPE, name, nameLength)) {
                event = Arrays.equals(pending, value, value + valueLength, EVENT, 0, EVENT.length);
            } else if (is(EVENT_TYPE, name, nameLength)) {
                eventType = name(value, valueLength);
            } else if (is(EXCEPTION_TYPE, name, nameLength) || is(ERROR_CODE, name, nameLength)) {
                exceptionType = name(value, valueLength);
            }
            // :content-type and the like say nothing the translator needs
        }
        if (at != headersEnd) {
            throw new IllegalStateException("event stream headers overrun their length");
        }
        if (event) {
            listener.onFrame(eventType, pending, headersEnd, payloadEnd - headersEnd);
        } else {
            listener.onFrame(
                    exceptionType == null ? "unknownException" : exceptionType,
                    pending,
                    headersEnd,
                    payloadEnd - headersEnd);
        }
    }

    private boolean is(byte[] expected, int from, int size) {
        return Arrays.equals(pending, from, from + size, expected, 0, expected.length);
    }

    private String name(int from, int size) {
        if (!Arrays.equals(pending, from, from + size, lastNameBytes, 0, lastNameBytes.length)) {
            lastNameBytes = Arrays.copyOfRange(pending, from, from + size);
            lastName = new String(lastNameBytes, StandardCharsets.UTF_8);
        }
        return lastName;
    }

    private long u32(int at) {
        return ((long) (pending[at] & 0xFF) << 24)
                | ((pending[at + 1] & 0xFF) << 16)
                | ((pending[at + 2] & 0xFF) << 8)
                | (pending[at + 3] & 0xFF);
    }

    private long crc(int offset, int size) {
        crc.reset();
        crc.update(pending, offset, size);
        return crc.getValue();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
