package dev.switchboard.router.routing;

import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StickyRoutesTest {

    private static ChatRequest conversation(String model, String system, String... turns) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.text(ChatMessage.Role.SYSTEM, system));
        for (int i = 0; i < turns.length; i++) {
            messages.add(ChatMessage.text(i % 2 == 0 ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT, turns[i]));
        }
        return ChatRequest.of(model, messages, true);
    }

    @Test
    void aConversationKeepsItsKeyAsItGrowsAndOnlyItsOwn() {
        long first = StickyRoutes.key("acct", conversation("m/a", "Be brief.", "Hello"));
        assertThat(StickyRoutes.key("acct", conversation("m/a", "Be brief.", "Hello", "Hi!", "And then?")))
                .isEqualTo(first);
        assertThat(StickyRoutes.key("other", conversation("m/a", "Be brief.", "Hello")))
                .isNotEqualTo(first);
        assertThat(StickyRoutes.key("acct", conversation("m/b", "Be brief.", "Hello")))
                .isNotEqualTo(first);
        assertThat(StickyRoutes.key("acct", conversation("m/a", "Be thorough.", "Hello")))
                .isNotEqualTo(first);
        assertThat(StickyRoutes.key("acct", conversation("m/a", "Be brief.", "Goodbye")))
                .isNotEqualTo(first);
        // past the prefix length nothing counts
        String longPrompt = "x".repeat(StickyRoutes.PREFIX_CHARS);
        assertThat(StickyRoutes.key("acct", conversation("m/a", longPrompt, "one")))
                .isEqualTo(StickyRoutes.key("acct", conversation("m/a", longPrompt, "two")));
    }

    @Test
    void entriesExpireAndTheLeastRecentlyUsedGoFirst() {
        AtomicLong now = new AtomicLong(1_000);
        StickyRoutes sticky = new StickyRoutes(60_000, 2, now::get);
        sticky.served(1, "groq");
        sticky.served(2, "deepinfra");
        assertThat(sticky.provider(1)).isEqualTo("groq");
        sticky.served(3, "together");
        // 2 was the least recently used
        assertThat(sticky.provider(2)).isNull();
        assertThat(sticky.provider(1)).isEqualTo("groq");
        assertThat(sticky.size()).isEqualTo(2);
        now.addAndGet(60_000);
        assertThat(sticky.provider(1)).isNull();
        assertThat(sticky.provider(3)).isNull();
    }

    @Test
    void aZeroTtlTurnsItOff() {
        StickyRoutes off = new StickyRoutes(0, 10, () -> 0);
        assertThat(off.enabled()).isFalse();
        off.served(1, "groq");
        assertThat(off.provider(1)).isNull();
    }

    @Test
    void theDefaultDrawPutsTheLastProviderFirstWhileItIsUsableAndOtherStrategiesAreLeftAlone() {
        dev.switchboard.catalog.Catalog catalog = dev.switchboard.catalog.CatalogLoader.builtIn();
        String model = "meta-llama/llama-3.1-8b-instruct";
        List<Candidate> drawn = catalog.model(model).orElseThrow().endpoints().stream()
                .map(e -> new Candidate(catalog.requireProvider(e.provider()), e))
                .toList();
        assertThat(drawn.size()).isGreaterThan(1);
        String last = drawn.getLast().provider().name();
        ChatRequest request = conversation(model, "Be brief.", "Hello");
        StickyRoutes sticky = new StickyRoutes(60_000, 10, () -> 0);

        StickyRoutes.Order unknown = sticky.order("acct", request, drawn, RoutePlanner.WEIGHTED, p -> true);
        assertThat(unknown.candidates()).isEqualTo(drawn);
        assertThat(unknown.strategy()).isEqualTo(RoutePlanner.WEIGHTED);
        assertThat(unknown.key()).isEqualTo(StickyRoutes.key("acct", request));

        sticky.served(unknown.key(), last);
        StickyRoutes.Order stuck = sticky.order("acct", request, drawn, RoutePlanner.WEIGHTED, p -> true);
        assertThat(stuck.candidates().getFirst().provider().name()).isEqualTo(last);
        assertThat(stuck.candidates()).containsExactlyInAnyOrderElementsOf(drawn);
        assertThat(stuck.strategy()).isEqualTo(RoutePlanner.STICKY);

        assertThat(sticky.order("acct", request, drawn, RoutePlanner.WEIGHTED, p -> !p.equals(last))
                        .candidates())
                .as("a degraded provider is not stuck to")
                .isEqualTo(drawn);
        StickyRoutes.Order byPrice = sticky.order("acct", request, drawn, "price", p -> true);
        assertThat(byPrice.candidates()).isEqualTo(drawn);
        assertThat(byPrice.key()).isNull();
    }
}
