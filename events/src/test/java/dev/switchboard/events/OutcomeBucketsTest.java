package dev.switchboard.events;

import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.events.health.HealthStats;
import dev.switchboard.events.health.OutcomeBuckets;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeBucketsTest {

    private static Map<String, String> bucket(int ok50, int ok400, int ok20000, int errors) {
        Map<String, String> b = new HashMap<>();
        b.put("n", Integer.toString(ok50 + ok400 + ok20000 + errors));
        b.put("err", Integer.toString(errors));
        b.put("h0", Integer.toString(ok50));
        b.put("h3", Integer.toString(ok400));
        b.put("h9", Integer.toString(ok20000));
        return b;
    }

    @Test
    void uptimeAndPercentilesAreReadFromSummedBuckets() {
        OutcomeBuckets.Sum sum = new OutcomeBuckets.Sum();
        sum.addAll(List.of(bucket(50, 40, 0, 5), bucket(40, 5, 5, 5)));
        assertThat(sum.count()).isEqualTo(150);
        assertThat(sum.uptime()).isEqualTo(140 / 150.0);
        assertThat(sum.percentileMs(0.50)).isEqualTo(50L); // 90 of 140 successes are ≤ 50 ms
        assertThat(sum.percentileMs(0.95)).isEqualTo(400L); // rank 133 falls in the 200–400 ms bucket
        assertThat(sum.percentileMs(0.99)).isEqualTo(25_600L); // the open-ended bucket reads as twice the last bound
    }

    @Test
    void failuresAreSummedByErrorClassAndTheCommonestNamed() {
        Map<String, String> first = bucket(10, 0, 0, 6);
        first.put(OutcomeBuckets.errorClassField("server_error"), "2");
        first.put(OutcomeBuckets.errorClassField("rate_limited"), "4");
        Map<String, String> second = bucket(10, 0, 0, 3);
        second.put(OutcomeBuckets.errorClassField("server_error"), "3");
        OutcomeBuckets.Sum sum = new OutcomeBuckets.Sum();
        sum.addAll(List.of(first, second));
        assertThat(sum.errors()).isEqualTo(9);
        assertThat(sum.errorClasses()).containsExactly(Map.entry("rate_limited", 4L), Map.entry("server_error", 5L));
        assertThat(sum.commonestErrorClass()).isEqualTo("server_error");
        assertThat(HealthStats.Window.of(sum).errorsByClass())
                .containsExactly(Map.entry("rate_limited", 4L), Map.entry("server_error", 5L));
        // probes count failures without a class
        assertThat(new OutcomeBuckets.Sum().commonestErrorClass()).isNull();
    }

    @Test
    void noOutcomesMeansUnknownNotPerfect() {
        OutcomeBuckets.Sum sum = new OutcomeBuckets.Sum();
        sum.add(null);
        assertThat(sum.uptime()).isNull();
        assertThat(sum.percentileMs(0.5)).isNull();
    }

    @Test
    void oneOutcomeIncrementsTheMinuteAndHourBuckets() {
        long t = 1_764_129_600_000L; // a whole hour
        List<OutcomeBuckets.Increment> ok = OutcomeBuckets.incrementsFor("openai", true, 120, t);
        assertThat(ok)
                .containsExactlyInAnyOrder(
                        new OutcomeBuckets.Increment(HealthKeys.minute("openai", t / 60_000), "n", 1),
                        new OutcomeBuckets.Increment(HealthKeys.hour("openai", t / 3_600_000), "n", 1),
                        new OutcomeBuckets.Increment(HealthKeys.minute("openai", t / 60_000), "h2", 1),
                        new OutcomeBuckets.Increment(HealthKeys.hour("openai", t / 3_600_000), "h2", 1));
        assertThat(OutcomeBuckets.incrementsFor("openai", false, 120, t))
                .extracting(OutcomeBuckets.Increment::field)
                .containsExactlyInAnyOrder("n", "n", "err", "err");
    }
}
