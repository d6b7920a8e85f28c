package dev.switchboard.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The Helm chart's topics Job: creates the topics that are missing, each with its partitions and
 * retention and every one with the replication factor and {@code min.insync.replicas} given; never
 * alters or deletes a topic that is there (a topic with fewer partitions than asked is reported, not
 * changed). Exit codes: 0 done, 1 the broker failed or could not be reached (the Job retries), 2 a bad
 * command line or environment. Progress goes to stdout, one line per step, and a last summary line.
 */
public final class EnsureTopics {

    private static final long WAIT_SECONDS = 60;

    private EnsureTopics() {}

    public static void main(String[] args) {
        // the Kafka client's warnings and errors, not its INFO dump of every setting
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    /** Runs the Job; returns its exit code. */
    static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        Arguments arguments;
        Map<String, String> settings;
        try {
            arguments = Arguments.parse(args);
            settings = ClientSettings.from(environment);
        } catch (Arguments.Invalid e) {
            err.println("kafka-topics: " + e.getMessage());
            err.println(Arguments.USAGE);
            return 2;
        }
        out.println("connecting to " + arguments.bootstrapServers()
                + (settings.isEmpty() ? "" : " with " + String.join(", ", settings.keySet())));
        try (Admin admin = Admin.create(ClientSettings.properties(arguments, settings))) {
            out.println(ensure(admin, arguments, out));
            return 0;
        } catch (ExecutionException e) {
            err.println("kafka-topics: " + e.getCause());
            return 1;
        } catch (Exception e) {
            err.println("kafka-topics: " + e);
            return 1;
        }
    }

    /** Creates what is missing; answers the summary line. */
    static String ensure(Admin admin, Arguments arguments, PrintStream out) throws Exception {
        Set<String> existing = admin.listTopics().names().get(WAIT_SECONDS, TimeUnit.SECONDS);
        var missing = new ArrayList<NewTopic>();
        var present = new TreeSet<String>();
        for (Arguments.Topic topic : arguments.topics()) {
            if (existing.contains(topic.name())) {
                present.add(topic.name());
            } else {
                missing.add(new NewTopic(topic.name(), topic.partitions(), arguments.replicationFactor())
                        .configs(Map.of(
                                TopicConfig.RETENTION_MS_CONFIG,
                                Long.toString(topic.retentionMs()),
                                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                                Integer.toString(arguments.minInsyncReplicas()))));
            }
        }
        var created = new TreeSet<String>();
        if (!missing.isEmpty()) {
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(WAIT_SECONDS, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                    out.println("created " + entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    present.add(entry.getKey()); // created by someone else meanwhile
                }
            }
        }
        if (!present.isEmpty()) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(present).allTopicNames().get(WAIT_SECONDS, TimeUnit.SECONDS);
            for (Arguments.Topic topic : arguments.topics()) {
                TopicDescription description = described.get(topic.name());
                if (description != null && description.partitions().size() < topic.partitions()) {
                    out.println("warning: " + topic.name() + " has "
                            + description.partitions().size()
                            + " partitions, fewer than the " + topic.partitions()
                            + " asked; left as it is (add partitions with kafka-topics.sh --alter)");
                }
            }
        }
        return "created " + created.size() + " " + created + ", already there " + present.size() + " " + present;
    }
}
