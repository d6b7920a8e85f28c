package dev.switchboard.router.usage;

import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.events.UsageV1;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Which counts a request is charged for: the provider's, the router's, or none. */
class UsageCountTest {

    private static final EndpointSpec ENDPOINT =
            CatalogLoader.builtIn().endpoint("openai/gpt-4o-mini", "openai").orElseThrow();
    private static final IntSupplier COUNTED_40 = () -> 40;
    private static final IntSupplier NOT_ASKED = () -> fail("the router's output count is not needed here");

    /** A translator in a given end state. */
    private static StreamTranslator translator(boolean completed, StreamTranslator.ReportedUsage reported) {
        return new StreamTranslator() {
            @Override
            public List<RouteEvent> onEvent(String event, byte[] data, int offset, int length) {
                return List.of();
            }

            @Override
            public boolean completed() {
                return completed;
            }

            @Override
            public ReportedUsage reportedUsage() {
                return reported;
            }
        };
    }

    private static final StreamTranslator.ReportedUsage REPORTED = new StreamTranslator.ReportedUsage(12, 48, 4, 2);

    @Test
    void aCompletedAnswerIsChargedTheProvidersOwnCounts() {
        Usage usage = UsageCount.of(ENDPOINT, translator(true, REPORTED), true, false, 99, NOT_ASKED, 0);
        assertThat(usage.source()).isEqualTo(Usage.SOURCE_PROVIDER);
        assertThat(usage.promptTokens()).isEqualTo(12);
        assertThat(usage.completionTokens()).isEqualTo(48);
        assertThat(usage.cachedPromptTokens()).isEqualTo(4);
        assertThat(usage.reasoningTokens()).isEqualTo(2);
        assertThat(usage.costNanos())
                .isEqualTo(Pricing.costNanos(ENDPOINT.prices(), 12, 48, 4, 2, 0))
                .isPositive();
    }

    @Test
    void withoutTheProvidersCountsTheRoutersAreCharged() {
        Usage completedUnreported = UsageCount.of(ENDPOINT, translator(true, null), true, false, 30, COUNTED_40, 0);
        Usage failedMidStream = UsageCount.of(ENDPOINT, translator(false, REPORTED), true, false, 30, COUNTED_40, 0);
        Usage cancelledMidStream = UsageCount.of(ENDPOINT, translator(true, REPORTED), true, true, 30, COUNTED_40, 0);
        for (Usage usage : List.of(completedUnreported, failedMidStream, cancelledMidStream)) {
            assertThat(usage.source()).isEqualTo(Usage.SOURCE_ESTIMATED);
            assertThat(usage.promptTokens()).isEqualTo(30);
            assertThat(usage.completionTokens()).isEqualTo(40);
            assertThat(usage.costNanos()).isEqualTo(Pricing.costNanos(ENDPOINT.prices(), 30, 40, 0, 0, 0));
        }
    }

    @Test
    void nothingIsChargedWithoutOutputOrSuccess() {
        assertThat(UsageCount.of(null, null, false, false, 30, NOT_ASKED, 2).costNanos())
                .isZero();
        Usage failedBeforeOutput = UsageCount.of(ENDPOINT, translator(false, REPORTED), false, false, 30, NOT_ASKED, 2);
        assertThat(failedBeforeOutput.promptTokens()).isZero();
        assertThat(failedBeforeOutput.completionTokens()).isZero();
        assertThat(failedBeforeOutput.costNanos()).isZero();
    }

    @Test
    void imagesArePricedOnceWithTheRequest() {
        Usage withImages = UsageCount.of(ENDPOINT, translator(true, REPORTED), true, false, 99, NOT_ASKED, 3);
        assertThat(withImages.costNanos()).isEqualTo(Pricing.costNanos(ENDPOINT.prices(), 12, 48, 4, 2, 3));
    }

    @Test
    void theRoutersOwnCountGoesBesideTheProvidersFigures() {
        Usage reported = UsageCount.of(ENDPOINT, translator(true, REPORTED), true, false, 99, NOT_ASKED, 0);
        UsageV1.Counted counted = UsageCount.counted(ENDPOINT, reported, 99, COUNTED_40);
        assertThat(counted).isEqualTo(new UsageV1.Counted(99, 40));
        // the billed figures stay the provider's
        assertThat(reported.promptTokens()).isEqualTo(12);
        assertThat(reported.completionTokens()).isEqualTo(48);
    }

    @Test
    void anEstimateIsItsOwnCountAndNothingServedHasNone() {
        Usage estimated = UsageCount.of(ENDPOINT, translator(true, null), true, false, 30, COUNTED_40, 0);
        assertThat(UsageCount.counted(ENDPOINT, estimated, 30, NOT_ASKED)).isEqualTo(new UsageV1.Counted(30, 40));
        assertThat(UsageCount.counted(null, estimated, 30, NOT_ASKED)).isNull();
    }
}
