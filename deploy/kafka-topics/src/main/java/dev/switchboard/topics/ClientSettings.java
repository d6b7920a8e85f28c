package dev.switchboard.topics;

import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The admin client's settings from the environment, as the chart passes them: every {@code KAFKA_<NAME>}
 * variable becomes the property {@code <name>} ({@code _} → {@code .}, lower case), e.g.
 * {@code KAFKA_SECURITY_PROTOCOL} → {@code security.protocol}, {@code KAFKA_SASL_JAAS_CONFIG} →
 * {@code sasl.jaas.config}. A name the admin client does not know is refused, so a typo fails the Job
 * instead of connecting without TLS. {@code KAFKA_BOOTSTRAP_SERVERS} is ignored: the flag decides.
 * Values are never printed (SASL passwords live there).
 */
final class ClientSettings {

    private static final String PREFIX = "KAFKA_";
    private static final Set<String> KNOWN = AdminClientConfig.configNames();

    private ClientSettings() {}

    /** The properties the environment sets, by name; {@link Arguments.Invalid} names an unknown one. */
    static Map<String, String> from(Map<String, String> environment) throws Arguments.Invalid {
        var settings = new TreeMap<String, String>();
        for (var entry : environment.entrySet()) {
            String variable = entry.getKey();
            if (!variable.startsWith(PREFIX) || variable.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                continue;
            }
            String name =
                    variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (!KNOWN.contains(name)) {
                throw new Arguments.Invalid(
                        variable + " names " + name + ", which is not a Kafka admin client setting");
            }
            settings.put(name, entry.getValue());
        }
        return settings;
    }

    /** The admin client's properties: the environment's, then the bootstrap servers and the time-outs. */
    static Properties properties(Arguments arguments, Map<String, String> settings) {
        var props = new Properties();
        props.putAll(settings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, arguments.bootstrapServers());
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-kafka-topics");
        return props;
    }
}
