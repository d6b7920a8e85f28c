package dev.switchboard.router.usage;

import dev.switchboard.catalog.Prices;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.router.config.RouterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes usage events with the plain Kafka producer: idempotent, {@code acks=all}, retrying
 * until the delivery timeout, so a Kafka outage delays events instead of losing them. The request
 * path only enqueues: {@code send} can block while the producer has no metadata, so it runs on one
 * dedicated thread, never on an event loop. The trace context of the request travels in the
 * record headers.
 */
@ApplicationScoped
public class UsagePublisher {

    private static final Logger LOG = Logger.getLogger(UsagePublisher.class);
    static final String SOURCE = "/switchboard/router-service";

    private final KafkaProducer<String, byte[]> producer;
    private final ThreadPoolExecutor sender;
    private final OpenTelemetry openTelemetry;
    private final Counter sent;
    private final Counter failed;
    private final Counter dropped;

    /** An endpoint's catalog prices as a usage event carries them (billing charges these). */
    public static UsageV1.Prices prices(Prices prices) {
        return new UsageV1.Prices(
                prices.promptPico(),
                prices.completionPico(),
                prices.cachedPromptPico(),
                prices.reasoningPico(),
                prices.requestNanos(),
                prices.imageNanos());
    }

    public UsagePublisher(
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            RouterConfig config,
            OpenTelemetry openTelemetry,
            MeterRegistry registry) {
        this.openTelemetry = openTelemetry;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "router-usage");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                config.usage().deliveryTimeout().toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.sender = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.usage().queueCapacity()),
                r -> {
                    Thread t = new Thread(r, "usage-publisher");
                    t.setDaemon(true);
                    return t;
                });
        this.sent = registry.counter("switchboard.router.usage.events", "result", "sent");
        this.failed = registry.counter("switchboard.router.usage.events", "result", "failed");
        this.dropped = registry.counter("switchboard.router.usage.events", "result", "dropped");
    }

    /** Hands the event to Kafka asynchronously. Never blocks and never throws. */
    public void publish(UsageV1 usage, Context trace) {
        CloudEvent<UsageV1> event =
                CloudEvent.of(UsageV1.TYPE, usage.eventId(), SOURCE, usage.generationId(), usage.completedAt(), usage);
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(Topics.USAGE, usage.generationId(), EventCodec.encode(event));
        inject(trace, record.headers());
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (metadata, error) -> {
                        if (error == null) {
                            sent.increment();
                        } else {
                            failed.increment();
                            LOG.errorf("usage event %s not delivered: %s", usage.eventId(), error.getMessage());
                        }
                    });
                } catch (RuntimeException e) {
                    failed.increment();
                    LOG.errorf("usage event %s not delivered: %s", usage.eventId(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            dropped.increment();
            LOG.errorf("usage event %s dropped: publisher queue full", usage.eventId());
        }
    }

    private void inject(Context trace, Headers headers) {
        openTelemetry
                .getPropagators()
                .getTextMapPropagator()
                .inject(
                        trace,
                        headers,
                        (carrier, key, value) -> carrier.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Events accepted but not yet handed to the producer. */
    public int backlog() {
        return sender.getQueue().size();
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warnf(
                        "%d usage events still queued at shutdown",
                        sender.getQueue().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }
}
