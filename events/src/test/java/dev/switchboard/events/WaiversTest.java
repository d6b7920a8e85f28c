package dev.switchboard.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WaiversTest {

    private static UsageV1 event(
            String kind,
            boolean streamed,
            String provider,
            String status,
            String finishReason,
            String errorClass,
            int completion,
            UsageV1.Billed before) {
        return new UsageV1(
                "gen-1",
                0,
                true,
                "a",
                "k",
                "h",
                "m",
                "m",
                provider,
                "m",
                status,
                finishReason,
                errorClass,
                streamed,
                12,
                completion,
                0,
                0,
                "provider",
                100L,
                List.of(),
                null,
                40L,
                Instant.EPOCH,
                Instant.EPOCH,
                "weighted",
                0,
                null,
                null,
                before,
                kind);
    }

    private static UsageV1 chat(
            boolean streamed, String status, String finishReason, String errorClass, int completion) {
        return event(UsageV1.CHAT, streamed, "openai", status, finishReason, errorClass, completion, null);
    }

    @Test
    void aChatThatFinishedOrStreamedOutputIsCharged() {
        assertThat(Waivers.reason(chat(true, "success", "stop", null, 10))).isNull();
        assertThat(Waivers.reason(chat(false, "success", "length", null, 10))).isNull();
        // a stream cut after some output: the client received it
        assertThat(Waivers.reason(chat(true, "cancelled", null, null, 3))).isNull();
        assertThat(Waivers.reason(chat(true, "error", null, "server_error", 3))).isNull();
        // finished without output (an empty answer is still an answer)
        assertThat(Waivers.reason(chat(true, "success", "stop", null, 0))).isNull();
    }

    @Test
    void noOutputAndNoFinishCostsNothing() {
        assertThat(Waivers.reason(chat(true, "error", null, "timeout", 0)))
                .isEqualTo("zero completion: error (timeout)");
        assertThat(Waivers.reason(chat(true, "cancelled", null, null, 0))).isEqualTo("zero completion: cancelled");
        assertThat(Waivers.reason(chat(true, "success", null, null, 0)))
                .isEqualTo("zero completion: success, finish reason none");
        assertThat(Waivers.reason(chat(true, "success", "error", null, 0)))
                .isEqualTo("zero completion: success, finish reason error");
    }

    @Test
    void aNonStreamedAnswerThatDidNotSucceedReachedNobodyAndCostsNothing() {
        assertThat(Waivers.reason(chat(false, "cancelled", null, null, 10)))
                .isEqualTo("not delivered: a non-streamed answer that ended in cancelled");
        assertThat(Waivers.reason(chat(false, "error", null, "server_error", 10)))
                .isEqualTo("not delivered: a non-streamed answer that ended in error (server_error)");
        assertThat(Waivers.waived(chat(false, "cancelled", null, null, 10))).isTrue();
    }

    @Test
    void anEmbeddingIsChargedWhenItSucceededThoughItHasNoOutputTokensNorFinishReason() {
        assertThat(Waivers.reason(event(UsageV1.EMBEDDING, false, "openai", "success", null, null, 0, null)))
                .isNull();
        assertThat(Waivers.reason(event(UsageV1.EMBEDDING, false, "openai", "error", null, "server_error", 0, null)))
                .isEqualTo("zero completion: error (server_error)");
        // an event without its kind is a chat's (written before the kind was carried)
        assertThat(Waivers.waived(event(null, false, "openai", "success", null, null, 0, null)))
                .isTrue();
    }

    @Test
    void nothingServedAndLaterEventsOfALongStreamAreNeverWaived() {
        // no provider was tried: the router's price (0, or nothing at all) stands
        assertThat(Waivers.reason(event(UsageV1.CHAT, true, null, "error", null, "no_provider", 0, null)))
                .isNull();
        UsageV1.Billed before = new UsageV1.Billed(12, 40, 0, 0, 0, 1_000L);
        assertThat(Waivers.reason(event(UsageV1.CHAT, true, "openai", "cancelled", null, null, 0, before)))
                .isNull();
    }
}
