package dev.switchboard.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** What a record parked on a topic's DLQ ({@link Topics#deadLetter}) carries besides itself: why it could not be processed. */
public final class DeadLetters {

    /** Header naming why the record was parked. */
    public static final String REASON = "dead-letter-reason";

    private DeadLetters() {}

    /** Headers of a parked record: {@link #REASON} with {@code reason} (or "null"). */
    public static Headers headers(String reason) {
        return new RecordHeaders().add(REASON, String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
    }
}
