package dev.switchboard.events;

/** Kafka topic names: the downstream contract. A breaking change is a new version suffix. */
public final class Topics {

    public static final String USAGE = "switchboard.usage.v1";
    public static final String CHARGES = "switchboard.charges.v1";
    public static final String PROVIDER_HEALTH = "switchboard.provider-health.v1";
    public static final String KEY_EVENTS = "switchboard.key-events.v1";

    /** Where consumers park records they cannot process. */
    public static String deadLetter(String topic) {
        return topic + ".dlq";
    }

    private Topics() {}
}
