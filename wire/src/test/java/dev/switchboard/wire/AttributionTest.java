package dev.switchboard.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AttributionTest {

    @Test
    void headersAreKeptWithoutControlCharactersAndBounded() {
        assertThat(Attribution.of(" https://app.example ", "My\r\nApp\u0000"))
                .isEqualTo(new Attribution("https://app.example", "MyApp"));
        assertThat(Attribution.of("x".repeat(2_000), null).referer()).hasSize(Attribution.MAX_LENGTH);
        assertThat(Attribution.of(null, "  ")).isNull();
        assertThat(Attribution.of(null, null)).isNull();
    }

    @Test
    void aRouteRequestWithoutAttributionStillReads() {
        RouteRequest request = new RouteRequest("gen-1", null, ChatRequest.of("m", java.util.List.of(), false));
        byte[] encoded = WireCodec.encode(request);
        assertThat(new String(encoded, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\"app\"");
        assertThat(WireCodec.decodeRouteRequest(encoded).app()).isNull();
        assertThat(WireCodec.decodeRouteRequest(encoded).generationId()).isEqualTo("gen-1");
        RouteRequest attributed = new RouteRequest(
                "gen-1",
                null,
                ChatRequest.of("m", java.util.List.of(), false),
                Attribution.of("https://a.example", "A"));
        assertThat(WireCodec.decodeRouteRequest(WireCodec.encode(attributed)).app())
                .isEqualTo(new Attribution("https://a.example", "A"));
    }
}
