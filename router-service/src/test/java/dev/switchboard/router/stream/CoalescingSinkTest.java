package dev.switchboard.router.stream;

import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CoalescingSinkTest {

    private final List<RouteEvent> seen = new ArrayList<>();
    private final EventSink recorder = new EventSink() {
        @Override
        public void emit(RouteEvent event) {
            seen.add(event);
        }

        @Override
        public void end() {
            seen.add(null);
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void onDrain(Runnable resume) {}
    };

    @Test
    void consecutiveTextDeltasCrossAsOneAndEverythingElseKeepsItsPlace() {
        CoalescingSink sink = new CoalescingSink(recorder);
        RouteEvent.Routed routed =
                new RouteEvent.Routed("openai", "openai/gpt-4o-mini", "gpt-4o-mini", 1, "openai-chat", "weighted");
        sink.emit(routed);
        sink.emit(RouteEvent.Delta.text("Hel"));
        sink.emit(RouteEvent.Delta.text("lo"));
        RouteEvent.Delta reasoning = new RouteEvent.Delta(null, "thinking", List.of());
        sink.emit(reasoning);
        sink.emit(RouteEvent.Delta.text(", "));
        sink.emit(RouteEvent.Delta.text("world"));
        RouteEvent.Delta tool = new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(0, "call_1", "f", "{}")));
        sink.emit(tool);
        sink.emit(RouteEvent.Delta.text("!"));
        sink.emit(new RouteEvent.Finished("stop"));
        RouteEvent.Completed completed = new RouteEvent.Completed(new Usage(1, 2, 0, 0, 3, Usage.SOURCE_PROVIDER));
        sink.emit(completed);
        sink.end();

        assertThat(seen)
                .containsExactly(
                        routed,
                        RouteEvent.Delta.text("Hello"),
                        reasoning,
                        RouteEvent.Delta.text(", world"),
                        tool,
                        RouteEvent.Delta.text("!"),
                        new RouteEvent.Finished("stop"),
                        completed,
                        null);
    }

    @Test
    void textGatheredBeforeAFailureReachesTheEdgeBeforeIt() {
        CoalescingSink sink = new CoalescingSink(recorder);
        sink.emit(RouteEvent.Delta.text("partial "));
        sink.emit(RouteEvent.Delta.text("answer"));
        RouteEvent.Failed failed = new RouteEvent.Failed(ErrorClass.UPSTREAM, "cut", null, List.of());
        sink.emit(failed);
        sink.end();
        assertThat(seen).containsExactly(RouteEvent.Delta.text("partial answer"), failed, null);
    }
}
