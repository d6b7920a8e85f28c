package dev.switchboard.providers.framing;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SseParserTest {

    private final List<String> events = new ArrayList<>();
    private final SseParser parser =
            new SseParser(FrameDecoder.Listener.text((event, data) -> events.add(event + "|" + data)), 1024);

    private void feedInPiecesOf(int size, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += size) {
            parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size))));
        }
    }

    @Test
    void eventsSplitAtAnyByteAreReassembled() {
        String body = "data: {\"a\":1}\n\nevent: message_stop\ndata: {\"b\":\"é\"}\n\n";
        for (int size = 1; size <= body.length(); size++) {
            events.clear();
            feedInPiecesOf(size, body);
            assertThat(events)
                    .as("chunk size %d", size)
                    .containsExactly("null|{\"a\":1}", "message_stop|{\"b\":\"é\"}");
        }
    }

    @Test
    void crlfAndCrLineEndingsWork() {
        feedInPiecesOf(3, "data: one\r\n\r\ndata: two\r\rdata: three\n\n");
        assertThat(events).containsExactly("null|one", "null|two", "null|three");
    }

    @Test
    void commentsAndOtherFieldsAreSkippedAndMultiLineDataIsJoined() {
        feedInPiecesOf(5, ": keep-alive\nid: 7\nretry: 10\ndata: line1\ndata:line2\n\n");
        assertThat(events).containsExactly("null|line1\nline2");
    }

    @Test
    void aFieldWithoutColonHasAnEmptyValueAndNamesApplyToOneEventOnly() {
        feedInPiecesOf(2, "event: a\ndata\ndata: x\n\nevent\ndata: y\n\ndata: z\n\nevent: a\n\ndata:  two spaces\n\n");
        assertThat(events).containsExactly("a|\nx", "|y", "null|z", "null| two spaces");
    }

    @Test
    void aLastEventWithoutBlankLineIsDeliveredAtEnd() {
        feedInPiecesOf(4, "data: [DONE]");
        assertThat(events).isEmpty();
        parser.end();
        assertThat(events).containsExactly("null|[DONE]");
    }

    @Test
    void oversizedEventsAreRejected() {
        assertThatThrownBy(() -> feedInPiecesOf(100, "data: " + "x".repeat(2000) + "\n\n"))
                .isInstanceOf(IllegalStateException.class);
    }
}
