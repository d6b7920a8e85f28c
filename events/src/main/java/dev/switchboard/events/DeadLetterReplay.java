package dev.switchboard.events;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Re-drives a topic's DLQ ({@link Topics#deadLetter}): every record parked since the last replay is
 * sent back to the topic it came from, with its key (so to the same partition) and headers, without
 * the {@link DeadLetters#REASON} header and with {@link #REPLAYED_FROM} naming where it was parked.
 * Consumers are idempotent (the ledger by generation and sequence, auth by charge id), so a replayed
 * record that was in fact processed is harmless; one that fails again is parked again, at a new
 * offset, for a later replay.
 *
 * <p>Progress is the consumer group {@value #GROUP}: a run reads from its committed offsets to the
 * end offsets taken when it starts, sends, waits for every acknowledgement ({@code acks=all}) and only
 * then commits, so a run that fails half-way sends again what it had sent (harmless, as above) and
 * never skips a record. A dry run lists the reasons and sends nothing.
 *
 * <p>{@code make replay-dlq TOPIC=switchboard.usage.v1 [DRY_RUN=1]}; in a cluster the same class runs
 * as a Job on the events jar and the Kafka client.
 */
public final class DeadLetterReplay {

    /** The consumer group that remembers how far each DLQ has been replayed. */
    public static final String GROUP = "switchboard-dlq-replay";

    /** Header of a replayed record: {@code <dlq topic>/<partition>/<offset>} it was parked at. */
    public static final String REPLAYED_FROM = "dead-letter-replayed-from";

    private static final Duration POLL = Duration.ofMillis(500);
    private static final int PROGRESS_EVERY = 1000;

    /** What a run did: records found on the DLQ, records sent back, and the count per parking reason. */
    public record Result(int found, int replayed, Map<String, Integer> reasons) {}

    private DeadLetterReplay() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--dry-run"))) {
            System.err.println("usage: DeadLetterReplay BOOTSTRAP_SERVERS TOPIC [--dry-run]");
            System.err.println("       TOPIC is the topic whose DLQ is replayed, e.g. " + Topics.USAGE);
            System.exit(2);
        }
        Result result;
        try {
            result = replay(args[0], args[1], args.length == 3, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(result.found() == result.replayed() || args.length == 3 ? 0 : 1);
    }

    /** Replays {@code topic}'s DLQ up to its current end (see the class comment); {@code dryRun} only counts. */
    public static Result replay(String bootstrap, String topic, boolean dryRun, PrintStream progress)
            throws InterruptedException, ExecutionException {
        String dlq = Topics.deadLetter(topic);
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(dlq, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(dlq, p.partition()));
            }
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("no topic " + dlq + " (is " + topic + " a Switchboard topic?)");
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            long pending = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata from = committed.get(tp);
                if (from == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, from.offset());
                }
                pending += end.get(tp) - consumer.position(tp);
            }
            progress.printf("%s: %d records to %s%n", dlq, pending, dryRun ? "list (dry run)" : "replay to " + topic);

            Map<String, Integer> reasons = new TreeMap<>();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            int found = 0;
            while (!reachedEnd(consumer, partitions, end)) {
                for (ConsumerRecord<byte[], byte[]> parked : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(parked.topic(), parked.partition());
                    if (parked.offset() >= end.get(tp)) {
                        continue; // parked after this run started: the next run's
                    }
                    found++;
                    reasons.merge(reason(parked.headers()), 1, Integer::sum);
                    if (!dryRun) {
                        Headers headers = new RecordHeaders();
                        for (Header h : parked.headers()) {
                            if (!h.key().equals(DeadLetters.REASON) && !h.key().equals(REPLAYED_FROM)) {
                                headers.add(h);
                            }
                        }
                        headers.add(
                                REPLAYED_FROM,
                                (dlq + "/" + parked.partition() + "/" + parked.offset())
                                        .getBytes(StandardCharsets.UTF_8));
                        sends.add(producer.send(
                                new ProducerRecord<>(topic, null, parked.key(), parked.value(), headers)));
                    }
                    if (found % PROGRESS_EVERY == 0) {
                        progress.printf("%s: %d of %d%n", dlq, found, pending);
                    }
                }
            }
            if (dryRun) {
                reasons.forEach((reason, n) -> progress.printf("  %6d  %s%n", n, reason));
                progress.printf("%s: %d records parked, none sent (dry run)%n", dlq, found);
                return new Result(found, 0, reasons);
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get(); // a failed send throws here, before anything is committed
            }
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            end.forEach((tp, offset) -> done.put(tp, new OffsetAndMetadata(offset)));
            consumer.commitSync(done);
            reasons.forEach((reason, n) -> progress.printf("  %6d  %s%n", n, reason));
            progress.printf("%s: %d records replayed to %s%n", dlq, sends.size(), topic);
            return new Result(found, sends.size(), reasons);
        }
    }

    private static boolean reachedEnd(
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static String reason(Headers headers) {
        Header reason = headers.lastHeader(DeadLetters.REASON);
        return reason == null ? "(no reason)" : new String(reason.value(), StandardCharsets.UTF_8);
    }
}
