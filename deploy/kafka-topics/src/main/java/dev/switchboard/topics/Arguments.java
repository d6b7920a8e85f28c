package dev.switchboard.topics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The Job's command line: {@code --bootstrap-servers HOST:PORT[,...] --replication-factor N
 * --min-insync-replicas N TOPIC:PARTITIONS:RETENTION_MS...}. Parsing is pure: a bad line is an {@link Invalid}
 * naming what is wrong, before any connection is tried.
 *
 * @param bootstrapServers the brokers to connect to
 * @param replicationFactor the replication factor of every topic created
 * @param minInsyncReplicas the {@code min.insync.replicas} of every topic created, at most the replication factor
 * @param topics the topics wanted, each name once, in the order given
 */
public record Arguments(String bootstrapServers, short replicationFactor, int minInsyncReplicas, List<Topic> topics) {

    static final String USAGE = "usage: kafka-topics --bootstrap-servers HOST:PORT[,...] --replication-factor N"
            + " --min-insync-replicas N TOPIC:PARTITIONS:RETENTION_MS...";

    /**
     * One topic wanted.
     *
     * @param name the topic's name
     * @param partitions its partitions when created, at least 1
     * @param retentionMs its {@code retention.ms} when created, positive or -1 (forever)
     */
    public record Topic(String name, int partitions, long retentionMs) {}

    /** A command line (or a {@code KAFKA_*} variable) that cannot be used: exit code 2. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** Reads the command line; {@link Invalid} names the first problem. */
    public static Arguments parse(List<String> args) throws Invalid {
        String bootstrap = null;
        Integer replication = null;
        Integer minInsync = null;
        var topics = new ArrayList<Topic>();
        var names = new LinkedHashSet<String>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--bootstrap-servers" -> bootstrap = value(args, ++i, arg);
                case "--replication-factor" -> replication = positive(value(args, ++i, arg), arg);
                case "--min-insync-replicas" -> minInsync = positive(value(args, ++i, arg), arg);
                default -> {
                    if (arg.startsWith("--")) {
                        throw new Invalid("unknown option " + arg);
                    }
                    Topic topic = topic(arg);
                    if (!names.add(topic.name())) {
                        throw new Invalid("topic " + topic.name() + " is given twice");
                    }
                    topics.add(topic);
                }
            }
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new Invalid("--bootstrap-servers is required");
        }
        for (String server : bootstrap.split(",")) {
            if (!server.strip().matches("[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5}")) {
                throw new Invalid("--bootstrap-servers: " + server + " is not HOST:PORT");
            }
        }
        if (replication == null) {
            throw new Invalid("--replication-factor is required");
        }
        if (replication > Short.MAX_VALUE) {
            throw new Invalid("--replication-factor " + replication + " is too large");
        }
        if (minInsync == null) {
            throw new Invalid("--min-insync-replicas is required");
        }
        if (minInsync > replication) {
            throw new Invalid("--min-insync-replicas " + minInsync + " exceeds --replication-factor " + replication
                    + ": no write could ever be acknowledged");
        }
        if (topics.isEmpty()) {
            throw new Invalid("no topic given");
        }
        return new Arguments(bootstrap, replication.shortValue(), minInsync, List.copyOf(topics));
    }

    private static String value(List<String> args, int i, String option) throws Invalid {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new Invalid(option + " needs a value");
        }
        return args.get(i);
    }

    private static int positive(String text, String what) throws Invalid {
        try {
            int value = Integer.parseInt(text);
            if (value < 1) {
                throw new Invalid(what + " must be at least 1, not " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new Invalid(what + " must be a whole number, not " + text);
        }
    }

    private static Topic topic(String spec) throws Invalid {
        String[] parts = spec.split(":", -1);
        if (parts.length != 3 || parts[0].isBlank()) {
            throw new Invalid("topic " + spec + " is not TOPIC:PARTITIONS:RETENTION_MS");
        }
        if (!parts[0].matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new Invalid("topic name " + parts[0] + " is not a legal Kafka topic name");
        }
        int partitions = positive(parts[1], "the partitions of " + parts[0]);
        long retentionMs;
        try {
            retentionMs = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw new Invalid("the retention of " + parts[0] + " must be milliseconds (or -1), not " + parts[2]);
        }
        if (retentionMs < -1 || retentionMs == 0) {
            throw new Invalid("the retention of " + parts[0] + " must be positive milliseconds or -1, not " + parts[2]);
        }
        return new Topic(parts[0], partitions, retentionMs);
    }
}
