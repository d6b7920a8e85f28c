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
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes usage events with the plain Kafka producer (idempotent, {@code acks=all}) through the
 * {@link UsageSpool}: {@link #publish} appends the event to the spool on the caller's thread, so it
 * survives a killed router before it is sent, and one sender thread reads the spool in order and
 * hands each event to the producer; a spool segment is deleted once Kafka acknowledged all of it,
 * and what was not acknowledged is sent again at the next start. Nothing is dropped: a Kafka outage
 * lets the spool grow on disk (the producer's buffer full, the sender waits), a send that failed
 * after the delivery timeout is sent again. The trace context of the request travels in the record
 * headers, which the spool keeps with the event.
 */
@Startup // at start, not at the first request: what a killed router left in the spool is sent at once
@ApplicationScoped
public class UsagePublisher {

    private static final Logger LOG = Logger.getLogger(UsagePublisher.class);
    static final String SOURCE = "/switchboard/router-service";
    private static final long RESEND_AFTER_MILLIS = 5_000;

    private final KafkaProducer<String, byte[]> producer;
    private final OpenTelemetry openTelemetry;
    private final UsageSpool spool;
    private final boolean syncEveryEvent;
    private final Thread sender;
    private final ScheduledExecutorService flusher;
    private final Queue<UsageSpool.Entry> resend = new ConcurrentLinkedQueue<>();
    private final Counter sent;
    private final Counter failed;
    private volatile boolean running = true;

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
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            RouterConfig config,
            OpenTelemetry openTelemetry,
            MeterRegistry registry) {
        this.openTelemetry = openTelemetry;
        // every kafka.* setting (KAFKA_* variables: bootstrap servers, security protocol, SASL, TLS), as
        // the SmallRye channels of the other services take them; delivery settings are the router's own
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((name, value) -> {
            if (ProducerConfig.configNames().contains(name)) {
                props.put(name, value);
            }
        });
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
        this.spool = UsageSpool.open(
                Path.of(config.usage().spoolDir()), (long) config.usage().spoolSegmentMib() << 20);
        this.syncEveryEvent = config.usage().spoolFsyncInterval().isZero();
        this.sent = registry.counter("switchboard.router.usage.events", "result", "sent");
        this.failed = registry.counter("switchboard.router.usage.events", "result", "failed");
        registry.gauge("switchboard.router.usage.spool.segments", spool, UsageSpool::segments);
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "usage-spool-fsync");
            t.setDaemon(true);
            return t;
        });
        if (!syncEveryEvent) {
            long every = config.usage().spoolFsyncInterval().toMillis();
            flusher.scheduleWithFixedDelay(spool::sync, every, every, TimeUnit.MILLISECONDS);
        }
        this.sender = new Thread(this::send, "usage-publisher");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Writes the event to the spool (from then on it survives the router) and leaves sending to the
     * sender thread. Never blocks on Kafka; throws only when the spool cannot be written (a full or
     * broken disk), which is logged and counted.
     */
    public void publish(UsageV1 usage, Context trace) {
        CloudEvent<UsageV1> event =
                CloudEvent.of(UsageV1.TYPE, usage.eventId(), SOURCE, usage.generationId(), usage.completedAt(), usage);
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(Topics.USAGE, usage.generationId(), EventCodec.encode(event));
        inject(trace, record.headers());
        try {
            spool.append(SpooledRecord.encode(record));
            if (syncEveryEvent) {
                spool.sync();
            }
        } catch (RuntimeException e) {
            failed.increment();
            LOG.errorf("usage event %s not written to the spool: %s", usage.eventId(), e.getMessage());
        }
    }

    /** The sender thread: spool → producer, in order; a failed send is retried after a pause. */
    private void send() {
        while (running) {
            try {
                UsageSpool.Entry entry = resend.poll();
                if (entry == null) {
                    entry = spool.next(200);
                }
                if (entry != null) {
                    sendOne(entry);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf("usage publisher: %s", e.getMessage());
                pause(RESEND_AFTER_MILLIS);
            }
        }
    }

    private void sendOne(UsageSpool.Entry entry) {
        ProducerRecord<String, byte[]> record = SpooledRecord.decode(Topics.USAGE, entry.bytes());
        while (running) {
            try {
                // blocks while the producer's buffer is full (Kafka away): the spool holds the rest
                producer.send(record, (metadata, error) -> {
                    if (error == null) {
                        sent.increment();
                        spool.acked(entry.segment());
                    } else {
                        failed.increment();
                        LOG.errorf(
                                "usage event for %s not delivered (%s); it stays in the spool and is sent again",
                                record.key(), error.getMessage());
                        CompletableFuture.delayedExecutor(RESEND_AFTER_MILLIS, TimeUnit.MILLISECONDS)
                                .execute(() -> resend.add(entry));
                    }
                });
                return;
            } catch (KafkaException e) {
                LOG.warnf("usage publisher waiting for Kafka: %s", e.getMessage());
                pause(RESEND_AFTER_MILLIS);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Events written to the spool in this run and not yet acknowledged by Kafka. */
    public long backlog() {
        return spool.pending();
    }

    /**
     * Stops the sender after what the producer holds is delivered (up to 30 s); what is still
     * unacknowledged stays in the spool for the next start.
     */
    @PreDestroy
    void close() {
        running = false;
        sender.interrupt();
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
        flusher.shutdownNow();
        long left = spool.pending();
        if (left > 0) {
            LOG.warnf(
                    "%d usage events not acknowledged at shutdown; they stay in the spool and are sent at the next start",
                    left);
        }
        spool.close();
    }
}
