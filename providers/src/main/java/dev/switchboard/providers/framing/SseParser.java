package dev.switchboard.providers.framing;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental parser of a {@code text/event-stream} body (the WHATWG server-sent events format):
 * bytes arrive in arbitrary chunks; each complete event is handed to the listener with its
 * {@code event:} name and its {@code data:} lines joined by '\n'. Comments and {@code id:} /
 * {@code retry:} fields are skipped. Lines may end in LF, CRLF or CR.
 *
 * <p>A byte-at-a-time state machine: a line's field name is read into a few bytes, and the value of
 * a {@code data:} line goes straight into the event's data buffer, which the listener reads in place.
 * Nothing is allocated per event except the event name's string, and that only when it differs from
 * the previous event's (named streams repeat a handful of names).
 */
public final class SseParser implements FrameDecoder {

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    /** Longest field name kept; longer names are no field the router reads. */
    private static final int MAX_NAME = 8;

    /** Where in a line the parser is. */
    private enum Mode {
        NAME,
        DATA,
        EVENT,
        SKIP
    }

    private final Listener listener;
    private final int maxEventBytes;
    private Mode mode = Mode.NAME;
    private final byte[] name = new byte[MAX_NAME + 1];
    private int nameLength;
    private boolean valueStarted;
    private boolean lastWasCr;
    /** The event's data lines joined by '\n'; -1 while the event has no data line. */
    private byte[] data = new byte[512];

    private int dataLength = -1;
    private byte[] eventName = new byte[32];
    private int eventNameLength = -1;
    private byte[] lastEventName = new byte[0];
    private String lastEventNameText;

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
                accept(b);
            }
        }
    }

    /** The body ended: an event not yet closed by a blank line is dispatched (lenient, as browsers are). */
    @Override
    public void end() {
        if (mode != Mode.NAME || nameLength > 0) {
            endLine();
        }
        dispatch();
    }

    private void accept(byte b) {
        switch (mode) {
            case NAME -> {
                if (b == ':') {
                    mode = nameLength == 0 ? Mode.SKIP : field();
                    valueStarted = false;
                } else if (nameLength <= MAX_NAME) {
                    name[nameLength++] = b;
                }
            }
            case DATA, EVENT -> {
                // one space after the colon is part of the syntax, not of the value
                if (valueStarted || b != ' ') {
                    if (mode == Mode.DATA) {
                        appendData(b);
                    } else {
                        appendEventName(b);
                    }
                }
                valueStarted = true;
            }
            case SKIP -> {
                // a comment, or a field the router does not read (id, retry, unknown)
            }
        }
    }

    /** The field named so far, its value about to start; a data line opens here. */
    private Mode field() {
        if (is(DATA)) {
            startDataLine();
            return Mode.DATA;
        }
        if (is(EVENT)) {
            eventNameLength = 0;
            return Mode.EVENT;
        }
        return Mode.SKIP;
    }

    private void endLine() {
        if (mode == Mode.NAME) {
            if (nameLength == 0) {
                dispatch();
            } else if (is(DATA)) {
                startDataLine();
            } else if (is(EVENT)) {
                eventNameLength = 0;
            }
        }
        mode = Mode.NAME;
        nameLength = 0;
    }

    private boolean is(byte[] field) {
        return nameLength == field.length && Arrays.equals(name, 0, nameLength, field, 0, field.length);
    }

    private void startDataLine() {
        if (dataLength < 0) {
            dataLength = 0;
        } else {
            appendData((byte) '\n');
        }
    }

    private void appendData(byte b) {
        if (dataLength == data.length) {
            if (dataLength >= maxEventBytes) {
                throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
            }
            data = Arrays.copyOf(data, Math.min(data.length * 2, maxEventBytes));
        }
        data[dataLength++] = b;
    }

    private void appendEventName(byte b) {
        if (eventNameLength == eventName.length) {
            if (eventNameLength >= 1024) {
                throw new IllegalStateException("server-sent event name longer than 1024 bytes");
            }
            eventName = Arrays.copyOf(eventName, eventName.length * 2);
        }
        eventName[eventNameLength++] = b;
    }

    private void dispatch() {
        String event = eventNameLength < 0 ? null : eventName();
        eventNameLength = -1;
        if (dataLength >= 0) {
            int length = dataLength;
            dataLength = -1;
            listener.onFrame(event, data, 0, length);
        }
    }

    private String eventName() {
        if (!Arrays.equals(eventName, 0, eventNameLength, lastEventName, 0, lastEventName.length)) {
            lastEventName = Arrays.copyOf(eventName, eventNameLength);
            lastEventNameText = new String(lastEventName, StandardCharsets.UTF_8);
        }
        return lastEventNameText;
    }
}
