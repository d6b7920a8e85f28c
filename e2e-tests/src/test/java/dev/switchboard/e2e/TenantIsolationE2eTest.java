package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tenant isolation on every account-scoped endpoint of the public API: account A's keys never read,
 * change or delete account B's data. Each of B's resources is first shown to be readable by B (so a
 * 404 to A means "not yours", not "not there"); A then gets 404 for B's generation and for B's key by
 * its hash (read, change, delete), sees only its own keys and credit, and B's key still works after
 * A's attempts.
 */
@Order(17)
class TenantIsolationE2eTest {

    /** A fresh account with credit, an inference key and a management key: [account, inference, management]. */
    static String[] tenant(String credit) {
        String[] account = Stack.account(credit, null);
        String management = Stack.json(Stack.admin(
                                "POST", "/admin/v1/accounts/" + account[0] + "/keys", "{\"kind\":\"management\"}", null)
                        .body())
                .path("secret")
                .asText();
        return new String[] {account[0], account[1], management};
    }

    private static List<String> hashes(String management) {
        HttpResponse<String> keys = Stack.get("/keys", management);
        assertThat(keys.statusCode()).as(keys.body()).isEqualTo(200);
        List<String> hashes = new ArrayList<>();
        Stack.json(keys.body())
                .path("data")
                .forEach(k -> hashes.add(k.path("hash").asText()));
        return hashes;
    }

    @Test
    void oneAccountsKeysNeverReachAnothersData() {
        String[] a = tenant("1.00");
        String[] b = tenant("2.00");

        // B's generation: B reads it
        HttpResponse<String> chat = Stack.postChat(b[1], ChatE2eTest.CHAT + "}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        String generation = chat.headers().firstValue("X-Generation-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Stack.get("/generation?id=" + generation, b[1]).statusCode() == 200);
        // A does not, with either of its keys
        assertThat(Stack.get("/generation?id=" + generation, a[1]).statusCode()).isEqualTo(404);
        assertThat(Stack.get("/generation?id=" + generation, a[2]).statusCode()).isIn(403, 404);

        // B's inference key, by its hash: B's management key reads it, A's gets 404 for every verb
        List<String> bKeys = hashes(b[2]);
        assertThat(bKeys).isNotEmpty();
        String bKey = bKeys.getFirst();
        assertThat(Stack.get("/keys/" + bKey, b[2]).statusCode()).isEqualTo(200);
        assertThat(Stack.get("/keys/" + bKey, a[2]).statusCode()).isEqualTo(404);
        assertThat(Stack.call("PATCH", Stack.url(), "/keys/" + bKey, a[2], "{\"disabled\":true}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(Stack.call("DELETE", Stack.url(), "/keys/" + bKey, a[2], null)
                        .statusCode())
                .isEqualTo(404);
        // A lists only its own keys
        assertThat(hashes(a[2])).isNotEmpty().doesNotContainAnyElementsOf(bKeys);

        // credit: each account sees its own grant
        JsonNode aCredits = Stack.json(Stack.get("/credits", a[2]).body()).path("data");
        JsonNode bCredits = Stack.json(Stack.get("/credits", b[2]).body()).path("data");
        assertThat(aCredits.path("total_credits").asDouble()).isEqualTo(1.0);
        assertThat(bCredits.path("total_credits").asDouble()).isEqualTo(2.0);

        // the calling key's own view is its own
        JsonNode aKey = Stack.json(Stack.get("/key", a[1]).body()).path("data");
        assertThat(aKey.path("usage").asDouble()).isZero();

        // and B's key, which A tried to disable and delete, still works
        HttpResponse<String> again = Stack.postChat(b[1], ChatE2eTest.CHAT + "}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    }
}
