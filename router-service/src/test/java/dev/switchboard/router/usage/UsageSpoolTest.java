package dev.switchboard.router.usage;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The usage spool: order, deletion once acknowledged, what a killed router leaves, torn writes, one owner. */
class UsageSpoolTest {

    @TempDir
    Path dir;

    private static byte[] event(int i) {
        return ("usage event " + i + " " + "x".repeat(20)).getBytes(StandardCharsets.UTF_8);
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".spool")).count();
        }
    }

    private static List<UsageSpool.Entry> drain(UsageSpool spool) throws InterruptedException {
        List<UsageSpool.Entry> read = new ArrayList<>();
        UsageSpool.Entry entry;
        while ((entry = spool.next(50)) != null) {
            read.add(entry);
        }
        return read;
    }

    @Test
    void eventsAreReadInOrderAndASegmentGoesOnceKafkaAcknowledgedAllOfIt() throws Exception {
        UsageSpool spool = UsageSpool.open(dir, 100); // about two events per segment
        for (int i = 0; i < 10; i++) {
            spool.append(event(i));
        }
        assertThat(segmentFiles()).isGreaterThan(3);
        List<UsageSpool.Entry> read = drain(spool);
        assertThat(read)
                .extracting(e -> new String(e.bytes(), StandardCharsets.UTF_8))
                .containsExactly(java.util.stream.IntStream.range(0, 10)
                        .mapToObj(i -> new String(event(i), StandardCharsets.UTF_8))
                        .toArray(String[]::new));
        assertThat(spool.pending()).isEqualTo(10);

        read.subList(0, 9).forEach(e -> spool.acked(e.segment()));
        // every sealed segment whose events are all acknowledged is gone; the one with event 9 stays
        assertThat(segmentFiles()).isEqualTo(1);
        spool.acked(read.get(9).segment());
        spool.close();
        assertThat(segmentFiles()).isZero();
    }

    @Test
    void whatAKilledRouterLeftIsSentAgainAtTheNextStart() throws Exception {
        UsageSpool first = UsageSpool.open(dir, 1 << 20);
        for (int i = 0; i < 3; i++) {
            first.append(event(i));
        }
        first.acked(first.next(50).segment()); // one sent and acknowledged before the kill
        first.abandon();

        UsageSpool second = UsageSpool.open(dir, 1 << 20);
        List<UsageSpool.Entry> again = drain(second);
        // the whole leftover segment, the acknowledged event included (consumers de-duplicate by id)
        assertThat(again).hasSize(3);
        assertThat(new String(again.getLast().bytes(), StandardCharsets.UTF_8))
                .isEqualTo(new String(event(2), StandardCharsets.UTF_8));
        again.forEach(e -> second.acked(e.segment()));
        assertThat(segmentFiles()).isZero();
        second.close();
    }

    @Test
    void aRecordTornByTheCrashIsSkippedAndTheRestIsKept() throws Exception {
        UsageSpool first = UsageSpool.open(dir, 1 << 20);
        first.append(event(0));
        first.append(event(1));
        first.abandon();
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(f -> f.toString().endsWith(".spool"))
                    .findFirst()
                    .orElseThrow();
        }
        // a write cut short: a header that promises more bytes than follow
        Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 'p', 'a'}, StandardOpenOption.APPEND);

        UsageSpool second = UsageSpool.open(dir, 1 << 20);
        assertThat(drain(second)).hasSize(2);
        second.close();
    }

    @Test
    void aDirectoryHasOneRouter() {
        UsageSpool first = UsageSpool.open(dir, 1 << 20);
        assertThatThrownBy(() -> UsageSpool.open(dir, 1 << 20))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use by another router");
        first.close();
        UsageSpool.open(dir, 1 << 20).close();
    }

    @Test
    void aSpooledRecordKeepsItsKeyHeadersAndValue() {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>("t", "gen-1", event(7));
        record.headers().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> back = SpooledRecord.decode("t", SpooledRecord.encode(record));
        assertThat(back.key()).isEqualTo("gen-1");
        assertThat(back.value()).isEqualTo(event(7));
        assertThat(new String(back.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo("00-abc-def-01");
        assertThat(SpooledRecord.decode("t", SpooledRecord.encode(new ProducerRecord<>("t", null, event(1))))
                        .key())
                .isNull();
    }
}
