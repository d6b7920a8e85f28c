import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics that are missing, with replication factor 1, through Kafka's Admin client: what
 * {@code kafka-topics.sh --create --if-not-exists} does, for all topics in one JVM instead of one per
 * topic. Run by deploy/local/stack.sh in source-file mode against the local broker's jars:
 *
 * <pre>java -cp '.local/kafka/libs/*' deploy/local/kafka/EnsureTopics.java BOOTSTRAP PARTITIONS TOPIC...</pre>
 *
 * Prints one line: the topics it created and those that were already there.
 */
public final class EnsureTopics {

    private EnsureTopics() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: EnsureTopics BOOTSTRAP PARTITIONS TOPIC...");
            System.exit(2);
        }
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        int partitions = Integer.parseInt(args[1]);
        List<String> wanted = List.of(args).subList(2, args.length);

        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            var missing = new ArrayList<NewTopic>();
            var present = new TreeSet<String>();
            for (String topic : wanted) {
                if (existing.contains(topic)) {
                    present.add(topic);
                } else {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            }
            var created = new TreeSet<String>();
            if (!missing.isEmpty()) {
                var result = admin.createTopics(missing);
                for (var entry : result.values().entrySet()) {
                    try {
                        entry.getValue().get(60, TimeUnit.SECONDS);
                        created.add(entry.getKey());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                        present.add(entry.getKey()); // created concurrently by someone else
                    }
                }
            }
            System.out.println("created " + created.size() + " " + created + ", already there " + present.size());
        }
    }
}
