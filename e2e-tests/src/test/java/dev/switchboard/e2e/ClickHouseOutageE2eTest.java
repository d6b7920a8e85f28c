package dev.switchboard.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ClickHouse stopped for 60 s under traffic: every request is still served (ClickHouse is not on the
 * hot path), analytics-service's consumption pauses (its inserts retry without committing offsets),
 * and once ClickHouse is back every generation is stored exactly once, in the raw table and in the
 * rollups, with its charge.
 */
@Order(97)
class ClickHouseOutageE2eTest {

    static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("clickhouse.outage.seconds", 60));

    @AfterAll
    static void clickHouseBack() {
        Stack.stackScript("start", "clickhouse");
    }

    @Test
    void generationsServedWhileClickHouseIsDownAreStoredOnceWhenItReturns() throws Exception {
        String[] account = Stack.account("1.00", null);
        Stack.stackScript("stop", "clickhouse");
        List<String> ids = new ArrayList<>();
        long end = System.nanoTime() + OUTAGE.toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> response = Stack.postChat(account[1], ChatE2eTest.CHAT + ",\"max_tokens\":8}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            ids.add(response.headers().firstValue("X-Generation-Id").orElseThrow());
            Thread.sleep(400);
        }
        Stack.stackScript("start", "clickhouse");

        String where = " WHERE account_id = '" + account[0] + "'";
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(Stack.clickhouse("SELECT count() FROM generations FINAL" + where))
                            .isEqualTo(String.valueOf(ids.size()));
                    assertThat(Stack.clickhouse("SELECT count() FROM charges FINAL" + where))
                            .isEqualTo(String.valueOf(ids.size()));
                });
        // none twice: not in the raw rows before they collapse, not in the rollups the views fed
        assertThat(Stack.clickhouse("SELECT count() FROM generations" + where)).isEqualTo(String.valueOf(ids.size()));
        assertThat(Stack.clickhouse("SELECT countDistinct(id) FROM generations" + where))
                .isEqualTo(String.valueOf(ids.size()));
        assertThat(Stack.clickhouse("SELECT sum(requests) FROM account_minutes" + where))
                .isEqualTo(String.valueOf(ids.size()));
        assertThat(Stack.clickhouse("SELECT sum(charges) FROM spend_minutes" + where))
                .isEqualTo(String.valueOf(ids.size()));
        // and the activity API agrees
        String management = Stack.json(Stack.admin(
                                "POST", "/admin/v1/accounts/" + account[0] + "/keys", "{\"kind\":\"management\"}", null)
                        .body())
                .path("secret")
                .asText();
        long requests = 0;
        for (var item : Stack.json(Stack.get("/activity", management).body()).path("data")) {
            requests += item.path("requests").asLong();
        }
        assertThat(requests).isEqualTo(ids.size());
    }
}
