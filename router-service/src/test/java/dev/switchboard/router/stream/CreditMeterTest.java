package dev.switchboard.router.stream;

import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.wire.HoldExtension;
import dev.switchboard.wire.RouteEvent;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The credit meter without Quarkus: extensions asked at 80 % of the hold while the answer streams,
 * a pause only at the hold itself while one is pending, and after a refusal an end only once the
 * output has used up what is held.
 */
class CreditMeterTest {

    private static final EndpointSpec ENDPOINT =
            CatalogLoader.builtIn().endpoint("openai/gpt-4o-mini", "openai").orElseThrow();
    private static final RouterConfig.Credit CONFIG = new RouterConfig.Credit() {
        @Override
        public String authUrl() {
            return "http://unused";
        }

        @Override
        public double extendAt() {
            return 0.8;
        }

        @Override
        public long minExtensionNanos() {
            return 1_000;
        }

        @Override
        public int maxConnections() {
            return 1;
        }

        @Override
        public java.time.Duration timeout() {
            return java.time.Duration.ofSeconds(5);
        }
    };
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String WORD = " word";

    private final List<Long> asked = new ArrayList<>();
    private final List<Promise<HoldExtension>> answers = new ArrayList<>();
    private final List<String> cuts = new ArrayList<>();
    private final FakeFlow flow = new FakeFlow();

    /** A hold worth {@code words} output words beyond the prompt of one token. */
    private CreditMeter meter(int words) {
        long hold = Pricing.costNanos(ENDPOINT.prices(), 1, words * TOKENS.count(ENDPOINT.model(), WORD), 0, 0, 0);
        return new CreditMeter(
                TOKENS,
                (holdId, nanos) -> {
                    asked.add(nanos);
                    Promise<HoldExtension> answer = Promise.promise();
                    answers.add(answer);
                    return answer.future();
                },
                CONFIG,
                "hold-1",
                hold);
    }

    /** One word of output through the meter, as the execution passes each delta. */
    private void word(CreditMeter meter) {
        meter.count(ENDPOINT.model(), RouteEvent.Delta.text(WORD));
        meter.watch(ENDPOINT, 1, 0, flow, cuts::add);
    }

    @Test
    void belowTheThresholdNothingIsAsked() {
        CreditMeter meter = meter(10);
        for (int i = 0; i < 7; i++) {
            word(meter);
        }
        assertThat(asked).isEmpty();
        assertThat(flow.paused).isFalse();
        assertThat(meter.completionTokens()).isEqualTo(7 * TOKENS.count(ENDPOINT.model(), WORD));
        assertThat(meter.output()).isEqualTo(WORD.repeat(7));
    }

    @Test
    void pastTheThresholdOneExtensionIsAskedAndTheAnswerGoesOnWhileItIsPending() {
        CreditMeter meter = meter(10);
        for (int i = 0; i < 9; i++) {
            word(meter);
        }
        assertThat(asked).hasSize(1);
        assertThat(flow.paused).as("not paused before the hold is used up").isFalse();
        answers.getFirst().complete(new HoldExtension(asked.getFirst(), 1_000_000_000L));
        for (int i = 0; i < 20; i++) {
            word(meter);
        }
        assertThat(asked).hasSize(1);
        assertThat(cuts).isEmpty();
    }

    @Test
    void atTheHoldWithTheExtensionPendingTheStreamWaitsForTheAnswer() {
        CreditMeter meter = meter(10);
        for (int i = 0; i < 10; i++) {
            word(meter);
        }
        assertThat(asked).hasSize(1);
        assertThat(flow.paused).isTrue();
        answers.getFirst().complete(new HoldExtension(asked.getFirst(), 1_000_000_000L));
        assertThat(flow.paused).isFalse();
        assertThat(flow.resumes).isEqualTo(1);
        assertThat(cuts).isEmpty();
    }

    @Test
    void aRefusalEndsTheAnswerOnlyOnceTheHoldIsUsedUp() {
        CreditMeter meter = meter(10);
        for (int i = 0; i < 9; i++) {
            word(meter);
        }
        answers.getFirst().fail(new IllegalStateException("insufficient credit"));
        assertThat(cuts).isEmpty();
        word(meter);
        assertThat(cuts).singleElement().asString().contains("insufficient credit");
        assertThat(asked).as("no second extension after a refusal").hasSize(1);
        assertThat(flow.paused).isFalse();
    }

    @Test
    void aRefusalWhileWaitingAtTheHoldEndsTheAnswerThen() {
        CreditMeter meter = meter(10);
        for (int i = 0; i < 10; i++) {
            word(meter);
        }
        assertThat(flow.paused).isTrue();
        answers.getFirst().fail(new IllegalStateException("auth-service unreachable"));
        assertThat(cuts).singleElement().asString().contains("auth-service unreachable");
    }

    @Test
    void anAnswerAfterTheRequestEndedChangesNothing() {
        CreditMeter meter = meter(10);
        for (int i = 0; i < 10; i++) {
            word(meter);
        }
        meter.close();
        answers.getFirst().fail(new IllegalStateException("late"));
        assertThat(cuts).isEmpty();
    }

    @Test
    void aRequestWithoutAHoldIsNotMetered() {
        CreditMeter meter = new CreditMeter(
                TOKENS,
                (holdId, nanos) -> {
                    throw new AssertionError("no extension without a hold");
                },
                CONFIG,
                null,
                0);
        for (int i = 0; i < 50; i++) {
            word(meter);
        }
        assertThat(cuts).isEmpty();
    }

    private static final class FakeFlow implements CreditMeter.Flow {
        boolean paused;
        int resumes;

        @Override
        public void pause() {
            paused = true;
        }

        @Override
        public void resume() {
            paused = false;
            resumes++;
        }
    }
}
