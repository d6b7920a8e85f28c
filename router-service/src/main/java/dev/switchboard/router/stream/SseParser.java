package dev.switchboard.router.stream;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of a {@code text/event-stream} body (the WHATWG server-sent events format):
 * bytes arrive in arbitrary chunks; each complete event is handed to the listener with its
 * {@code event:} name and its {@code data:} lines joined by '\n'. Comments and {@code id:} /
 * {@code retry:} fields are skipped. Lines may end in LF, CRLF or CR.
 */
public final class SseParser implements FrameDecoder {

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

    private final Listener listener;
    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private String eventName;
    /** The event's data lines joined by '\n', as bytes handed to the listener as they are (no text is decoded). */
    private byte[] data = new byte[256];
    private int dataLength = -1;

    public SseParser(Listener listener, int maxEventBytes) {
        this.listener = listener;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public void feed(Buffer chunk) {
        int length = chunk.length();
        for (int i = 0; i < length; i++) {
            byte b = chunk.getByte(i);
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false;
                    continue;
                }
                endLine();
            } else if (b == '\r') {
                lastWasCr = true;
                endLine();
            } else {
                lastWasCr = false;
                append(b);
            }
        }
    }

    /** The body ended: an event not yet closed by a blank line is dispatched (lenient, as browsers are). */
    @Override
    public void end() {
        if (lineLength > 0) {
            endLine();
        }
        dispatch();
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (line.length >= maxEventBytes) {
                throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
            }
            line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, maxEventBytes));
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            return;
        }
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            colon++;
        }
        int value = colon < length ? colon + 1 : length;
        if (value < length && line[value] == ' ') {
            value++;
        }
        if (is(DATA, colon)) {
            appendData(value, length);
        } else if (is(EVENT, colon)) {
            eventName = new String(line, value, length - value, StandardCharsets.UTF_8);
        }
        // id, retry and unknown fields carry nothing the router needs
    }

    private boolean is(byte[] field, int length) {
        return length == field.length && java.util.Arrays.equals(line, 0, length, field, 0, length);
    }

    private void appendData(int from, int to) {
        int needed = (dataLength < 0 ? 0 : dataLength + 1) + (to - from);
        if (needed > maxEventBytes) {
            throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
        }
        if (needed > data.length) {
            data = java.util.Arrays.copyOf(data, Math.min(Math.max(needed, data.length * 2), maxEventBytes));
        }
        if (dataLength < 0) {
            dataLength = 0;
        } else {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, from, data, dataLength, to - from);
        dataLength += to - from;
    }

    private void dispatch() {
        String name = eventName;
        eventName = null;
        if (dataLength >= 0) {
            int length = dataLength;
            dataLength = -1;
            listener.onFrame(name, data, 0, length);
        }
    }
}
