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

    private final Listener listener;
    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private String eventName;
    private StringBuilder data;
    private int eventBytes;

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
        if (lineLength == 0) {
            dispatch();
            return;
        }
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                eventBytes += value.length();
                if (eventBytes > maxEventBytes) {
                    throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
                }
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            case "event" -> eventName = value;
            default -> {
                // id, retry and unknown fields carry nothing the router needs
            }
        }
    }

    private void dispatch() {
        if (data != null) {
            String name = eventName;
            String payload = data.toString();
            data = null;
            eventName = null;
            eventBytes = 0;
            listener.onFrame(name, payload);
        } else {
            eventName = null;
        }
    }
}
