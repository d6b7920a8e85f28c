package dev.switchboard.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Event times as {@link Instant}s, read without a {@code DateTimeFormatter} in the common case. Every
 * event time is written by {@link EventCodec} as {@link Instant#toString()} writes it: UTC,
 * {@code yyyy-MM-ddTHH:mm:ss} with a fraction of 0 to 9 digits and {@code Z}; those are read here
 * field by field (the formatter's parse was a third of the time an analytics consumer spent decoding
 * a usage event). Any other form (an offset, a number, a year past 9999) goes to Jackson's own
 * {@link InstantDeserializer}, so what is accepted does not change.
 */
final class IsoInstants extends StdScalarDeserializer<Instant> {

    private static final int SHORTEST = "2026-01-01T00:00:00Z".length();

    IsoInstants() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext context) throws IOException {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            Instant fast = parse(p.getText());
            if (fast != null) {
                return fast;
            }
        }
        return InstantDeserializer.INSTANT.deserialize(p, context);
    }

    /** The instant {@code text} names in {@link Instant#toString()}'s form, or null for any other form. */
    static Instant parse(String text) {
        int n = text.length();
        if (n < SHORTEST || n > SHORTEST + 10 || text.charAt(n - 1) != 'Z') {
            return null;
        }
        if (text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if ((year | month | day | hour | minute | second) < 0
                || hour > 23
                || minute > 59
                || second > 59
                || month < 1
                || month > 12
                || day < 1
                || day > 31) {
            return null;
        }
        int nanos = 0;
        if (n > SHORTEST) {
            // ".f" to ".fffffffff" between the seconds and the Z
            if (text.charAt(19) != '.' || n == SHORTEST + 1) {
                return null;
            }
            int fraction = digits(text, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
