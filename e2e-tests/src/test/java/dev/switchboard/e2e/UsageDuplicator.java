package dev.switchboard.e2e;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Injects duplicated usage events, as a producer retry or a replayed spool would: reads the usage
 * topic from now on and re-produces a share of its records, key, value and headers unchanged, to the
 * same topic. Kafka may be down meanwhile (the chaos run stops it): polls then come back empty and the
 * copies wait in the producer until the broker is back.
 */
final class UsageDuplicator implements AutoCloseable {

    static final String TOPIC = "switchboard.usage.v1";

    /** Records read, copies produced (acknowledged) and copies that could not be produced. */
    record Counts(long seen, long duplicated, long failed) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final double share;
    private final SplittableRandom random;
    private final Thread thread;
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    private UsageDuplicator(double share, long seed) {
        String bootstrap = Stack.getOr("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        this.share = share;
        this.random = new SplittableRandom(seed);
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "chaos-duplicator-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "latest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        // the copies must outlast the outage: Kafka is down for up to a minute
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000",
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        this.thread = Thread.ofPlatform().name("chaos-duplicator").unstarted(this::loop);
    }

    /** Subscribes (waits until the topic's partitions are assigned, so that nothing from now on is missed) and starts copying. */
    static UsageDuplicator start(double share, long seed) {
        UsageDuplicator duplicator = new UsageDuplicator(share, seed);
        duplicator.consumer.subscribe(List.of(TOPIC));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (duplicator.consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                duplicator.close();
                throw new AssertionError("the duplicator got no partition of " + TOPIC + " within 30 s");
            }
            duplicator.consumer.poll(Duration.ofMillis(200));
        }
        // latest: the position is taken now, before any chaos traffic
        duplicator.consumer.assignment().forEach(duplicator.consumer::position);
        duplicator.thread.start();
        return duplicator;
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                seen.incrementAndGet();
                if (random.nextDouble() < share) {
                    producer.send(
                            new ProducerRecord<>(TOPIC, null, record.key(), record.value(), record.headers()),
                            (metadata, e) -> (e == null ? duplicated : failed).incrementAndGet());
                }
            }
        }
    }

    Counts counts() {
        return new Counts(seen.get(), duplicated.get(), failed.get());
    }

    /** Stops reading and waits for the copies in flight to be acknowledged. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(60));
    }
}
