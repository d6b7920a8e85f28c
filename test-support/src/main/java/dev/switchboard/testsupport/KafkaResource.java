package dev.switchboard.testsupport;

import dev.switchboard.events.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A real single-node KRaft Kafka cluster inside the test JVM, shared by every test class that runs
 * against the same application start. Creates the topics of the contract and their DLQs.
 * Tests that must stop Kafka use the local stack's broker instead.
 */
public final class KafkaResource implements QuarkusTestResourceLifecycleManager {

    private static KafkaClusterTestKit cluster;

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                                .setCombined(true)
                                .setNumBrokerNodes(1)
                                .setNumControllerNodes(1)
                                .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                createTopics(cluster.bootstrapServers());
            } catch (Exception e) {
                throw new IllegalStateException("in-JVM Kafka did not start", e);
            }
        }
        return cluster.bootstrapServers();
    }

    private static void createTopics(String bootstrap) throws InterruptedException, ExecutionException {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : List.of(Topics.USAGE, Topics.CHARGES, Topics.PROVIDER_HEALTH, Topics.KEY_EVENTS)) {
            topics.add(new NewTopic(topic, 3, (short) 1));
            topics.add(new NewTopic(Topics.deadLetter(topic), 1, (short) 1));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(topics).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    /**
     * Quarkus stops test resources when the application under test stops (after the last test class
     * of a profile); the cluster goes with it, before the JVM exits, not in a shutdown hook racing
     * the application's own shutdown.
     */
    @Override
    public void stop() {
        synchronized (KafkaResource.class) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception e) {
                    System.err.println("in-JVM Kafka did not close cleanly: " + e);
                } finally {
                    cluster = null;
                }
            }
        }
    }
}
