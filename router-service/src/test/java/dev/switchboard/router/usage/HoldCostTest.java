package dev.switchboard.router.usage;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.events.UsageV1;
import dev.switchboard.router.routing.Candidate;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.Usage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's credit hold is finished at the cost its charge will take: its usage's cost, or 0 when
 * billing waives the event. A hold finished at a cost that billing then waives (a non-streamed answer
 * cut by a disconnect, say) would keep that cost reserved in its lease for good.
 */
class HoldCostTest {

    private static final Catalog CATALOG = CatalogLoader.builtIn();
    private static final AuthContext AUTH = new AuthContext("a", "k", "lease.gen-1", 1_000_000, null);
    private static final Usage USAGE = new Usage(12, 10, 0, 0, 127_500, Usage.SOURCE_ESTIMATED);

    private static Candidate candidate(String model) {
        EndpointSpec endpoint = CATALOG.model(model).orElseThrow().endpoints().getFirst();
        return new Candidate(CATALOG.requireProvider(endpoint.provider()), endpoint);
    }

    private static UsageEvents.Outcome outcome(String status, String finishReason, ErrorClass error, Usage usage) {
        return new UsageEvents.Outcome(
                status,
                finishReason,
                error,
                usage,
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH,
                new UsageV1.Counted(12, 10));
    }

    private static long chat(boolean streamed, String status, String finishReason, ErrorClass error) {
        UsageV1 event = UsageEvents.chat(
                "gen-1",
                AUTH,
                "openai/gpt-4o",
                streamed,
                candidate("openai/gpt-4o"),
                outcome(status, finishReason, error, USAGE),
                null,
                "weighted",
                0,
                null,
                null);
        return UsageEvents.holdCost(event);
    }

    @Test
    void aChargedRequestFinishesItsHoldAtItsCost() {
        assertThat(chat(false, "success", "stop", null)).isEqualTo(127_500);
        assertThat(chat(true, "success", "stop", null)).isEqualTo(127_500);
        // a stream cut after some output: the client received it and pays for it
        assertThat(chat(true, "cancelled", null, null)).isEqualTo(127_500);
    }

    @Test
    void aWaivedRequestFinishesItsHoldAtZero() {
        // a non-streamed answer cut by its client's disconnect reached nobody: billing charges 0
        assertThat(chat(false, "cancelled", null, null)).isZero();
        assertThat(chat(false, "error", null, ErrorClass.UPSTREAM)).isZero();
    }

    @Test
    void anEmbeddingIsAnEmbeddingsEventAndFinishesAtItsCost() {
        Usage usage = new Usage(8, 0, 0, 0, 160, Usage.SOURCE_PROVIDER);
        UsageV1 event = UsageEvents.embedding(
                "gen-2",
                AUTH,
                "openai/text-embedding-3-small",
                candidate("openai/text-embedding-3-small"),
                outcome("success", null, null, usage),
                UsageV1.App.of("https://app.example", "Example", "user-7"));
        assertThat(event.kind()).isEqualTo(UsageV1.EMBEDDING);
        assertThat(event.app()).isEqualTo(new UsageV1.App("https://app.example", "Example", "user-7"));
        assertThat(UsageEvents.holdCost(event)).isEqualTo(160);
    }
}
