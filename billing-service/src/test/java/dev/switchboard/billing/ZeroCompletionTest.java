package dev.switchboard.billing;

import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.PostgresResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Zero-completion insurance at Perplexity's Sonar ($1 per million tokens each way, and a 0.005 USD
 * fee per request): a request that failed or was cancelled before any output costs nothing, fee
 * included, and the ledger says why; one that failed after some output, or finished with no output,
 * pays its tokens and the fee. A non-streamed answer that did not succeed reached the client not at
 * all (the edge answers an error without it), so it costs nothing whatever the provider produced.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class ZeroCompletionTest {

    /** Sonar's prices as the router carries them: 1,000,000 pico-USD per token, 5,000,000 nano-USD per request. */
    private static final UsageV1.Prices SONAR = new UsageV1.Prices(1_000_000, 1_000_000, 0, 0, 5_000_000, 0);

    private static String send(String status, String finishReason, String errorClass, int prompt, int completion) {
        return send(true, status, finishReason, errorClass, prompt, completion);
    }

    private static String send(
            boolean streamed, String status, String finishReason, String errorClass, int prompt, int completion) {
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 usage = new UsageV1(
                generation,
                0,
                true,
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                generation,
                "perplexity/sonar",
                "perplexity/sonar",
                "perplexity",
                "sonar",
                status,
                finishReason,
                errorClass,
                streamed,
                prompt,
                completion,
                0,
                0,
                "estimated",
                0L,
                List.of(new UsageV1.Attempt("perplexity", "perplexity/sonar", status, 500, 30L)),
                null,
                40L,
                Instant.now(),
                Instant.now(),
                "weighted",
                0,
                SONAR);
        CloudEvent<UsageV1> event =
                CloudEvent.of(UsageV1.TYPE, usage.eventId(), "/test", generation, Instant.now(), usage);
        TopicProbe.send(KafkaResource.bootstrapServers(), Topics.USAGE, generation, EventCodec.encode(event));
        return generation;
    }

    private static void ledger(String generation, java.util.function.Consumer<ValidatableResponse> expect) {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> expect.accept(given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + generation)
                        .then()
                        .statusCode(200)));
    }

    @Test
    void aRequestThatFailedBeforeAnyOutputCostsNothingFeeIncluded() {
        String generation = send("error", null, "upstream", 0, 0);
        ledger(
                generation,
                r -> r.body("cost_nanos", equalTo(0))
                        .body("waived_reason", equalTo("zero completion: error (upstream)")));
    }

    @Test
    void aCancelledRequestWithoutOutputCostsNothing() {
        String generation = send("cancelled", null, null, 12, 0);
        ledger(
                generation,
                r -> r.body("cost_nanos", equalTo(0)).body("waived_reason", startsWith("zero completion: cancelled")));
    }

    @Test
    void aRequestThatFailedAfterSomeOutputPaysItsTokensAndTheFee() {
        // 12 prompt + 5 completion tokens at 1,000,000 pico = 17,000 nano, plus the 5,000,000 nano fee
        String generation = send("error", null, "upstream", 12, 5);
        ledger(generation, r -> r.body("cost_nanos", equalTo(5_017_000)).body("waived_reason", nullValue()));
    }

    @Test
    void aRequestThatFinishedWithNoOutputPaysItsPromptAndTheFee() {
        String generation = send("success", "stop", null, 12, 0);
        ledger(generation, r -> r.body("cost_nanos", equalTo(5_012_000)).body("waived_reason", nullValue()));
    }

    @Test
    void aSuccessWithoutAFinishReasonAndNoOutputIsWaived() {
        String generation = send("success", null, null, 12, 0);
        ledger(
                generation,
                r -> r.body("cost_nanos", equalTo(0))
                        .body("waived_reason", equalTo("zero completion: success, finish reason none")));
    }

    @Test
    void aNonStreamedAnswerCutShortByCreditReachedNobodyAndCostsNothing() {
        String generation = send(false, "error", null, "insufficient_credit", 12, 5_000);
        ledger(
                generation,
                r -> r.body("cost_nanos", equalTo(0))
                        .body("completion_tokens", equalTo(5_000))
                        .body(
                                "waived_reason",
                                equalTo("not delivered: a non-streamed answer that ended in error"
                                        + " (insufficient_credit)")));
    }

    @Test
    void aNonStreamedAnswerThatSucceededPaysAsAStreamedOneDoes() {
        String generation = send(false, "success", "stop", null, 12, 5);
        ledger(generation, r -> r.body("cost_nanos", equalTo(5_017_000)).body("waived_reason", nullValue()));
    }
}
