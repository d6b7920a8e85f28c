package dev.switchboard.charttests;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one service reads from its environment, learnt from its sources: the {@code ${ENV}} references
 * of its application.properties, and every setting it reads (properties keys, {@code @ConfigMapping}
 * interfaces, property names in string literals; in its own module and the project modules it depends
 * on), each readable through its environment-variable form (SmallRye: upper case, every other character
 * '_'); plus the few framework settings the chart sets that the service's extensions read.
 */
final class ServiceSettings {

    /** Framework settings the chart may set, each read only by a service that has the named extension ("" = any Quarkus app). */
    private static final Map<String, String> FRAMEWORK = Map.of(
            "quarkus.shutdown.timeout", "",
            "quarkus.otel.exporter.otlp.endpoint", "quarkus-opentelemetry",
            "quarkus.vault.url", "quarkus-vault",
            "quarkus.vault.authentication.kubernetes.role", "quarkus-vault",
            "quarkus.vault.authentication.kubernetes.auth-mount-path", "quarkus-vault",
            "quarkus.vault.kv-secret-engine-mount-path", "quarkus-vault",
            "quarkus.vault.tls.ca-cert", "quarkus-vault");

    /** Read by every JVM, whatever runs in it. */
    private static final Set<String> JVM = Set.of("JAVA_TOOL_OPTIONS");

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern PROPERTY_LITERAL =
            Pattern.compile("\"((?:switchboard|quarkus|kafka|mp)\\.[a-z0-9][a-z0-9.-]*[a-z0-9])\"");
    private static final Pattern PROPERTY_TEMPLATE = Pattern.compile(
            "\"((?:switchboard|quarkus)\\.[a-z0-9.-]+\\.)\"\\s*\\+\\s*\\w+\\s*\\+\\s*\"(\\.[a-z0-9.-]+)\"");
    private static final Pattern SIM_LITERAL = Pattern.compile("\"(SIM_[A-Z0-9_]*)\"");
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

    private final String module;
    private final boolean quarkus;
    private final Set<String> envRefs = new TreeSet<>();
    private final Set<String> properties = new TreeSet<>();
    private final List<Pattern> templates = new ArrayList<>();
    private final Set<String> envLiterals = new TreeSet<>();
    private final Set<String> envPrefixes = new TreeSet<>();
    private final Set<String> artifacts = new TreeSet<>();
    private final Set<String> modules = new LinkedHashSet<>();

    private ServiceSettings(String module, boolean quarkus) {
        this.module = module;
        this.quarkus = quarkus;
    }

    /** The settings of the service built by the module directory {@code module} under {@code root}. */
    static ServiceSettings of(Path root, String module, Set<String> providerNames) {
        Path properties = root.resolve(module).resolve("src/main/resources/application.properties");
        ServiceSettings s = new ServiceSettings(module, Files.isRegularFile(properties));
        Map<String, Path> projectModules = projectModules(root);
        s.collectModules(root.resolve(module), projectModules);
        if (s.quarkus) {
            for (String line : read(properties).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
                    continue;
                }
                String key = l.substring(0, l.indexOf('=')).strip().replaceFirst("^%[^.]+\\.", "");
                s.properties.add(key);
                Matcher m = ENV_REF.matcher(l);
                while (m.find()) {
                    s.envRefs.add(m.group(1));
                }
            }
        }
        for (String dir : s.modules) {
            for (Path source : javaSources(root.resolve(dir).resolve("src/main/java"))) {
                String text = read(source);
                Matcher literal = PROPERTY_LITERAL.matcher(text);
                while (literal.find()) {
                    s.properties.add(literal.group(1));
                }
                Matcher template = PROPERTY_TEMPLATE.matcher(text);
                while (template.find()) {
                    s.templates.add(templateOf(template.group(1), template.group(2), providerNames));
                }
                s.properties.addAll(ConfigMappings.properties(text));
                Matcher sim = SIM_LITERAL.matcher(text);
                while (sim.find()) {
                    if (sim.group(1).endsWith("_")) {
                        s.envPrefixes.add(sim.group(1));
                    } else {
                        s.envLiterals.add(sim.group(1));
                    }
                }
            }
        }
        return s;
    }

    /**
     * Why the service would not read {@code env}, or empty when it does. {@code interpolated}: the variables
     * another variable of the same container references as {@code $(NAME)} (Kubernetes expands them), which
     * exist for that and are read by no one else.
     */
    Optional<String> problem(String env, Set<String> interpolated) {
        if (JVM.contains(env) || interpolated.contains(env)) {
            return Optional.empty();
        }
        if (!quarkus) {
            boolean read = envLiterals.contains(env) || envPrefixes.stream().anyMatch(env::startsWith);
            return read ? Optional.empty() : Optional.of(module + " reads no variable " + env);
        }
        if (envRefs.contains(env)) {
            return Optional.empty();
        }
        if (properties.stream().anyMatch(p -> envName(p).equals(env))) {
            return Optional.empty();
        }
        if (templates.stream().anyMatch(t -> t.matcher(env).matches())) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> framework : FRAMEWORK.entrySet()) {
            if (envName(framework.getKey()).equals(env)) {
                String extension = framework.getValue();
                return extension.isEmpty() || artifacts.contains(extension)
                        ? Optional.empty()
                        : Optional.of(module + " has no " + extension + " to read " + env);
            }
        }
        if (env.startsWith("KAFKA_")) {
            // Quarkus passes every kafka.* setting (KAFKA_* variables, '_' read as '.') to the SmallRye channels'
            // clients
            String client = env.substring("KAFKA_".length()).toLowerCase().replace('_', '.');
            // (the router's own usage producer takes them too, from Quarkus' default-kafka-broker configuration)
            if (!artifacts.contains("quarkus-messaging-kafka") && !artifacts.contains("quarkus-kafka-client")) {
                return Optional.of(module + " has no Kafka client to read " + env);
            }
            return kafkaConfigNames().contains(client)
                    ? Optional.empty()
                    : Optional.of(env + " is no Kafka client setting (" + client + ")");
        }
        return Optional.of(module + " reads no setting named by " + env);
    }

    /** SmallRye Config's environment form of a property name. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    Set<String> modules() {
        return modules;
    }

    Set<String> properties() {
        return properties;
    }

    private static Pattern templateOf(String prefix, String suffix, Set<String> names) {
        String alternatives =
                String.join("|", names.stream().map(ServiceSettings::envName).toList());
        return Pattern.compile(
                Pattern.quote(envName(prefix)) + "(?:" + alternatives + ")" + Pattern.quote(envName(suffix)));
    }

    private static Set<String> kafkaConfigNames() {
        Set<String> names = new TreeSet<>();
        names.addAll(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    /** The module, its non-test dependencies' artifact ids, and the project modules it depends on, transitively. */
    private void collectModules(Path dir, Map<String, Path> projectModules) {
        String name = dir.getFileName().toString();
        if (!modules.add(name)) {
            return;
        }
        Matcher m = DEPENDENCY.matcher(read(dir.resolve("pom.xml")));
        while (m.find()) {
            String dependency = m.group(1);
            if (dependency.contains("<scope>test</scope>")) {
                continue;
            }
            String artifact = tag(dependency, "artifactId");
            artifacts.add(artifact);
            Path project = projectModules.get(artifact);
            if (project != null) {
                collectModules(project, projectModules);
            }
        }
    }

    /** artifactId -> directory of every module of the root pom. */
    private static Map<String, Path> projectModules(Path root) {
        Map<String, Path> modules = new HashMap<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(root.resolve("pom.xml")));
        while (m.find()) {
            Path dir = root.resolve(m.group(1));
            String pom = read(dir.resolve("pom.xml"));
            String withoutParent = pom.replaceFirst("(?s)<parent>.*?</parent>", "");
            modules.put(tag(withoutParent, "artifactId"), dir);
        }
        return modules;
    }

    private static String tag(String xml, String tag) {
        Matcher m =
                Pattern.compile("<" + tag + ">\\s*([^<]+?)\\s*</" + tag + ">").matcher(xml);
        return m.find() ? m.group(1) : "";
    }

    private static List<Path> javaSources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
