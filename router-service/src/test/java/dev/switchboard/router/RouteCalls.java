package dev.switchboard.router;

import dev.switchboard.testsupport.RouteRequests;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.WireCodec;
import io.restassured.http.ContentType;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.restassured.RestAssured.given;

/** Calls of the router's internal chat route from tests, as the edge makes them. */
public final class RouteCalls {

    private RouteCalls() {}

    /** A short streamed chat for {@code model} that may only use {@code provider}. */
    public static RouteRequest pinned(String provider, String model) {
        return with(
                model,
                new RoutingPreferences(
                        List.of(),
                        true,
                        false,
                        false,
                        false,
                        List.of(provider),
                        List.of(),
                        List.of(),
                        null,
                        null,
                        null));
    }

    /** A short streamed chat for {@code model} routed by price alone (cheapest endpoint first). */
    public static RouteRequest cheapest(String model) {
        return with(
                model,
                new RoutingPreferences(
                        List.of(), true, false, false, false, List.of(), List.of(), List.of(), "price", null, null));
    }

    /** A short streamed chat for {@code model} with the given preferences. */
    public static RouteRequest with(String model, RoutingPreferences routing) {
        return RouteRequests.shortChat(model, routing);
    }

    /** Routes {@code request} and returns its final event (completed or failed). */
    public static RouteEvent last(RouteRequest request) {
        return events(request).getLast();
    }

    /** Routes {@code request} and returns every event, in order. */
    public static List<RouteEvent> events(RouteRequest request) {
        String body = given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON)
                .body(WireCodec.encode(request))
                .post("/internal/v1/chat")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return body.lines()
                .map(l -> WireCodec.decodeEvent(l.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    /** The provider that served {@code request} (the last one routed to), or null if none was. */
    public static String servedBy(RouteRequest request) {
        List<RouteEvent> events = events(request);
        if (!(events.getLast() instanceof RouteEvent.Completed)) {
            return null;
        }
        return events.stream()
                .filter(RouteEvent.Routed.class::isInstance)
                .map(e -> ((RouteEvent.Routed) e).provider())
                .reduce((a, b) -> b)
                .orElse(null);
    }
}
