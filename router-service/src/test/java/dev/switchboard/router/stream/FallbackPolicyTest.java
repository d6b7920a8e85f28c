package dev.switchboard.router.stream;

import dev.switchboard.wire.ErrorClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The fallback decisions, without Quarkus: the defaults of {@code switchboard.upstream.*} (5 rounds, 100 ms doubling to 3.2 s, 120 s). */
class FallbackPolicyTest {

    private static final long MS = 1_000_000;
    private final FallbackPolicy policy =
            new FallbackPolicy(5, Duration.ofMillis(100), Duration.ofMillis(3200), Duration.ofSeconds(120));

    @ParameterizedTest
    @EnumSource(
            value = ErrorClass.class,
            names = {"TIMEOUT", "RATE_LIMITED", "AUTH", "UPSTREAM", "OVERLOADED"})
    void aFailureAnotherProviderMayNotHaveMovesOnAtOnce(ErrorClass failure) {
        assertThat(policy.afterFailure(failure, null, 0, 3, 0, 0)).isEqualTo(new FallbackPolicy.Next(1));
        assertThat(policy.afterFailure(failure, 5_000L, 1, 3, 2, 0)).isEqualTo(new FallbackPolicy.Next(2));
        assertThat(FallbackPolicy.aboutProvider(failure)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorClass.class,
            names = {"BAD_REQUEST", "CONTEXT_LENGTH_EXCEEDED", "CONTENT_FILTERED", "NOT_FOUND", "INSUFFICIENT_CREDIT"})
    void theRequestsOwnFaultEndsItAndSaysNothingAboutTheProvider(ErrorClass failure) {
        assertThat(policy.afterFailure(failure, null, 0, 3, 0, 0)).isInstanceOf(FallbackPolicy.Fail.class);
        assertThat(FallbackPolicy.aboutProvider(failure)).isFalse();
    }

    @Test
    void afterTheLastCandidateATransientFailureStartsRoundsThatBackOffExponentiallyUpToTheCap() {
        long[] expected = {100, 200, 400, 800, 1600};
        for (int done = 0; done < expected.length; done++) {
            assertThat(policy.afterFailure(ErrorClass.OVERLOADED, null, 2, 3, done, 0))
                    .isEqualTo(new FallbackPolicy.Retry(done + 1, expected[done]));
        }
        assertThat(policy.afterFailure(ErrorClass.OVERLOADED, null, 2, 3, 5, 0))
                .as("rounds used up")
                .isInstanceOf(FallbackPolicy.Fail.class);
        FallbackPolicy many =
                new FallbackPolicy(40, Duration.ofMillis(100), Duration.ofMillis(3200), Duration.ofSeconds(120));
        assertThat(many.afterFailure(ErrorClass.UPSTREAM, null, 0, 1, 6, 0))
                .isEqualTo(new FallbackPolicy.Retry(7, 3200));
        assertThat(many.afterFailure(ErrorClass.UPSTREAM, null, 0, 1, 39, 0))
                .as("no shift overflow")
                .isEqualTo(new FallbackPolicy.Retry(40, 3200));
    }

    @Test
    void retryAfterLengthensTheWaitButNeverShortensIt() {
        assertThat(policy.afterFailure(ErrorClass.RATE_LIMITED, 2_000L, 0, 1, 0, 0))
                .isEqualTo(new FallbackPolicy.Retry(1, 2_000));
        assertThat(policy.afterFailure(ErrorClass.RATE_LIMITED, 10L, 0, 1, 2, 0))
                .isEqualTo(new FallbackPolicy.Retry(3, 400));
    }

    @Test
    void noRoundStartsPastTheDeadline() {
        assertThat(policy.afterFailure(ErrorClass.UPSTREAM, null, 0, 1, 0, 119_899 * MS))
                .isEqualTo(new FallbackPolicy.Retry(1, 100));
        assertThat(policy.afterFailure(ErrorClass.UPSTREAM, null, 0, 1, 0, 119_900 * MS))
                .isInstanceOf(FallbackPolicy.Fail.class);
        assertThat(policy.afterFailure(ErrorClass.RATE_LIMITED, 60_000L, 0, 1, 0, 61_000 * MS))
                .isInstanceOf(FallbackPolicy.Fail.class);
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorClass.class,
            names = {"TIMEOUT", "AUTH"})
    void aFailureTimeWillNotCureGetsNoRound(ErrorClass failure) {
        assertThat(FallbackPolicy.isTransient(failure)).isFalse();
        assertThat(policy.afterFailure(failure, null, 0, 1, 0, 0)).isInstanceOf(FallbackPolicy.Fail.class);
    }

    @Test
    void aSinglePassTriesEachCandidateOnceAndNeverStartsARound() {
        FallbackPolicy once = policy.singlePass();
        assertThat(once.afterFailure(ErrorClass.OVERLOADED, null, 0, 2, 0, 0)).isEqualTo(new FallbackPolicy.Next(1));
        assertThat(once.afterFailure(ErrorClass.OVERLOADED, null, 1, 2, 0, 0)).isInstanceOf(FallbackPolicy.Fail.class);
    }
}
