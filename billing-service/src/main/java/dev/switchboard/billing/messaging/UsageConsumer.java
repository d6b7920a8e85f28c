package dev.switchboard.billing.messaging;

import dev.switchboard.billing.service.BillingService;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code switchboard.usage.v1} → ledger → {@code switchboard.charges.v1}, a poll at a time: the
 * batch's ledger entries are written in one transaction and its charges sent together. The batch is
 * acknowledged only after every charge is acknowledged by Kafka, so a crash in between replays it;
 * the ledger makes the replay harmless and the charge id lets auth ignore the repeat. A record that
 * cannot be decoded goes to the DLQ alone, with the reason in a header; the rest of its batch proceeds.
 */
@ApplicationScoped
public class UsageConsumer {

    private static final Logger LOG = Logger.getLogger(UsageConsumer.class);
    static final String SOURCE = "/switchboard/billing-service";

    private final BillingService billing;
    private final MutinyEmitter<byte[]> charges;
    private final MutinyEmitter<byte[]> deadLetters;
    private final Counter priced;
    private final OpenTelemetry openTelemetry;

    public UsageConsumer(
            BillingService billing,
            OpenTelemetry openTelemetry,
            @Channel("charges-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
                    MutinyEmitter<byte[]> charges,
            @Channel("usage-dead-letters") MutinyEmitter<byte[]> deadLetters,
            MeterRegistry registry) {
        this.billing = billing;
        this.openTelemetry = openTelemetry;
        this.charges = charges;
        this.deadLetters = deadLetters;
        this.priced = registry.counter("switchboard.billing.usage.priced");
    }

    @Incoming("usage")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<UsageV1> usages = new ArrayList<>(records.count());
        // a batch has no one trace: each charge continues the trace of the usage record it prices
        Map<String, Context> traces = new HashMap<>();
        List<Uni<Void>> parked = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> consumed : records) {
            byte[] record = consumed.value();
            try {
                UsageV1 usage =
                        EventCodec.decode(record, UsageV1.TYPE, UsageV1.class).data();
                if (usage.accountId() == null || usage.keyId() == null || usage.generationId() == null) {
                    throw new IllegalArgumentException("usage event without account, key or generation id");
                }
                UUID.fromString(usage.accountId());
                UUID.fromString(usage.keyId());
                usages.add(usage);
                traces.put(ChargeV1.chargeId(usage.generationId(), usage.sequence()), trace(consumed));
            } catch (RuntimeException e) {
                LOG.warnf("malformed usage record sent to %s: %s", Topics.deadLetter(Topics.USAGE), e.getMessage());
                parked.add(deadLetters.sendMessage(Message.of(record == null ? new byte[0] : record)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withTopic(Topics.deadLetter(Topics.USAGE))
                                .withKey(consumed.key())
                                .withHeaders(DeadLetters.headers(e.getMessage()))
                                .build())));
            }
        }
        Uni<Void> dlq = parked.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(parked).andFailFast().replaceWithVoid();
        if (usages.isEmpty()) {
            return dlq;
        }
        return dlq.chain(() -> billing.recordAll(usages)
                        .onFailure()
                        .retry()
                        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5))
                        .atMost(8))
                .chain(list -> Uni.join()
                        .all(list.stream()
                                .map(c -> emit(c, traces.get(c.chargeId())))
                                .toList())
                        .andFailFast())
                .invoke(sent -> priced.increment(sent.size()))
                .replaceWithVoid();
    }

    private Context trace(ConsumerRecord<String, byte[]> record) {
        return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), record.headers(), HEADERS);
    }

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private Uni<Void> emit(ChargeV1 charge, Context trace) {
        CloudEvent<ChargeV1> event =
                CloudEvent.of(ChargeV1.TYPE, charge.chargeId(), SOURCE, charge.accountId(), Instant.now(), charge);
        Message<byte[]> message = Message.of(EventCodec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(charge.accountId())
                        .build());
        if (trace != null) {
            message = message.addMetadata(TracingMetadata.withCurrent(trace));
        }
        LOG.debugf("charge %s: %d nano-USD", charge.chargeId(), charge.costNanos());
        return charges.sendMessage(message);
    }
}
