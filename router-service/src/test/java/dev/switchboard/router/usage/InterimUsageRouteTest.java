package dev.switchboard.router.usage;

import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.router.RouteCalls;
import dev.switchboard.simulator.Behaviour;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.testsupport.TopicProbe;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long stream publishes interim usage events (every 100 ms here) before its final one: sequences
 * 1, 2, … with the usage so far, each naming what the one before it billed, and a final event
 * (sequence 0) whose {@code billed_before} is the last interim's usage. (That a short answer has only
 * its final event, and when one is due, is {@link InterimUsageTest}'s: here it would hang on timing.)
 */
@QuarkusTest
@TestProfile(InterimUsageRouteTest.ShortInterval.class)
class InterimUsageRouteTest {

    public static class ShortInterval implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.router.usage.interim-interval", "100ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(KafkaResource.class),
                    new TestResourceEntry(RedisResource.class),
                    new TestResourceEntry(SimulatorResource.class));
        }
    }

    @AfterEach
    void reset() {
        SimulatorResource.simulator().behave("openai", Behaviour.DEFAULT);
    }

    @Test
    void aLongStreamPublishesItsUsageSoFarBeforeTheFinalEvent() {
        // 16 tokens 50 ms apart: about 800 ms of output
        SimulatorResource.simulator().behave("openai", new Behaviour(20, 50, 24, 0, 0, 0, 0));
        RouteRequest request = RouteCalls.pinned("openai", "openai/gpt-4o-mini");

        RouteEvent last = RouteCalls.last(request);

        assertThat(last).isInstanceOf(RouteEvent.Completed.class);
        List<UsageV1> events = new ArrayList<>();
        TopicProbe.find(
                KafkaResource.bootstrapServers(),
                Topics.USAGE,
                r -> {
                    if (request.generationId().equals(r.key())) {
                        events.add(EventCodec.decode(r.value(), UsageV1.TYPE, UsageV1.class)
                                .data());
                    }
                    return events.stream().anyMatch(UsageV1::isFinal);
                },
                Duration.ofSeconds(20));
        List<UsageV1> interims = events.stream()
                .filter(e -> !e.isFinal())
                .sorted(Comparator.comparingInt(UsageV1::sequence))
                .toList();
        UsageV1 fin = events.stream().filter(UsageV1::isFinal).findFirst().orElseThrow();

        assertThat(interims).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < interims.size(); i++) {
            UsageV1 interim = interims.get(i);
            assertThat(interim.sequence()).isEqualTo(i + 1);
            assertThat(interim.status()).isEqualTo("in_progress");
            assertThat(interim.usageSource()).isEqualTo("estimated");
            assertThat(interim.provider()).isEqualTo("openai");
            assertThat(interim.prices()).isNotNull();
            assertThat(interim.startedAt()).isEqualTo(fin.startedAt());
            if (i == 0) {
                assertThat(interim.billedBefore()).isNull();
            } else {
                UsageV1 previous = interims.get(i - 1);
                assertThat(interim.billedBefore().completionTokens()).isEqualTo(previous.completionTokens());
                assertThat(interim.completionTokens()).isGreaterThan(previous.completionTokens());
            }
        }
        UsageV1 lastInterim = interims.getLast();
        assertThat(fin.sequence()).isZero();
        assertThat(fin.status()).isEqualTo("success");
        assertThat(fin.billedBefore()).isNotNull();
        assertThat(fin.billedBefore().promptTokens()).isEqualTo(lastInterim.promptTokens());
        assertThat(fin.billedBefore().completionTokens()).isEqualTo(lastInterim.completionTokens());
        assertThat(fin.billedBefore().estimatedCostNanos()).isEqualTo(lastInterim.estimatedCostNanos());
        assertThat(fin.completionTokens()).isGreaterThanOrEqualTo(lastInterim.completionTokens());
    }
}
