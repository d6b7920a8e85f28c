package dev.switchboard.analytics.messaging;

import dev.switchboard.analytics.config.AnalyticsConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code switchboard_analytics_consumer_lag{topic}}: how many records of each topic analytics has
 * not stored yet, for its consumer group as a whole (every replica's partitions): the topic's end
 * offsets minus the group's committed ones (from the beginning for a partition it has not committed
 * on yet), measured every {@code switchboard.analytics.lag-interval} with the Kafka admin client.
 * While Kafka is unreachable the last figure stays. A growing lag with ClickHouse up means ingestion
 * is slower than traffic; with ClickHouse down it is the backlog that will be stored when it returns.
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    static final List<String> CHANNELS = List.of("usage", "charges", "provider-health");

    private final Map<String, Object> kafka;
    private final MeterRegistry registry;
    private final AnalyticsConfig config;
    private final Map<String, AtomicLong> lag = new LinkedHashMap<>();
    private String group;
    private ScheduledExecutorService timer;
    private Admin admin;

    public ConsumerLag(
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            MeterRegistry registry,
            AnalyticsConfig config) {
        this.kafka = kafka;
        this.registry = registry;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        var mp = ConfigProvider.getConfig();
        for (String channel : CHANNELS) {
            String topic = mp.getValue("mp.messaging.incoming." + channel + ".topic", String.class);
            AtomicLong value = new AtomicLong();
            lag.put(topic, value);
            Gauge.builder("switchboard.analytics.consumer.lag", value, AtomicLong::get)
                    .tag("topic", topic)
                    .description("records of the topic the analytics consumer group has not stored yet")
                    .register(registry);
        }
        group = mp.getValue("mp.messaging.incoming.usage.group.id", String.class);
        Map<String, Object> admin = new HashMap<>(kafka);
        admin.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        admin.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.admin = Admin.create(admin);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "analytics-consumer-lag");
            t.setDaemon(true);
            return t;
        });
        long every = config.lagInterval().toMillis();
        timer.scheduleWithFixedDelay(this::measure, 0, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }

    public void measure() {
        try {
            lagOf(group, lag.keySet())
                    .forEach((topic, records) -> lag.get(topic).set(records));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Kafka unreachable or the group not there yet: the last figures stay
            LOG.debugf("consumer lag not measured: %s", e.getMessage());
        }
    }

    /** Records of each topic that {@code consumerGroup} has not committed yet. */
    public Map<String, Long> lagOf(String consumerGroup, java.util.Collection<String> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(consumerGroup)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .forEach((topic, d) -> d.partitions().forEach(p -> {
                    TopicPartition tp = new TopicPartition(topic, p.partition());
                    latest.put(tp, OffsetSpec.latest());
                    earliest.put(tp, OffsetSpec.earliest());
                }));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
        Map<String, Long> perTopic = new HashMap<>();
        ends.forEach((tp, end) -> {
            OffsetAndMetadata at = committed.get(tp);
            long from = at == null ? starts.get(tp).offset() : at.offset();
            perTopic.merge(tp.topic(), Math.max(0, end.offset() - from), Long::sum);
        });
        return perTopic;
    }

    /** The last figure for {@code topic} (tests). */
    public long of(String topic) {
        AtomicLong value = lag.get(topic);
        return value == null ? -1 : value.get();
    }
}
