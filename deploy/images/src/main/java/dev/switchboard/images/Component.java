package dev.switchboard.images;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * One image `make images` builds: a module of the repository, how its build output is laid out, and the
 * port it listens on. The image is named {@code switchboard/<module>}, as the Helm chart's values name it.
 *
 * @param module the module directory under the repository root (also the image name)
 * @param layout how the module's build output is laid out
 * @param port the HTTP port the program listens on, if any (the chart's containerPort)
 */
public record Component(String module, Layout layout, OptionalInt port) {

    /** How a module's build output is laid out, and so how it is layered and started. */
    public enum Layout {
        /** Quarkus' fast-jar: {@code target/quarkus-app} (lib/boot, lib/main, quarkus, app, quarkus-run.jar). */
        QUARKUS,
        /** A plain jar with its runtime dependencies: {@code target/<module>.jar} and {@code target/lib}. */
        PLAIN_JAR
    }

    /** Options every image's JVM starts with (what deploy/local/services.sh gives the local services). */
    static final List<String> JVM_OPTIONS =
            List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");

    /** Where the program's files are in the image. */
    static final String APP_DIR = "/deployments";

    /** The six services, the provider simulator and the Kafka topics Job, with the chart's ports. */
    public static final List<Component> ALL = List.of(
            quarkus("edge-service", 8080),
            quarkus("auth-service", 8081),
            quarkus("router-service", 8082),
            quarkus("billing-service", 8083),
            quarkus("analytics-service", 8084),
            quarkus("health-prober", 8085),
            new Component("provider-simulator", Layout.PLAIN_JAR, OptionalInt.of(8090)),
            new Component("deploy/kafka-topics", Layout.PLAIN_JAR, OptionalInt.empty()));

    private static Component quarkus(String module, int port) {
        return new Component(module, Layout.QUARKUS, OptionalInt.of(port));
    }

    /** The image's name without registry or tag: the module's last path element. */
    public String imageName() {
        return "switchboard/" + Path.of(module).getFileName();
    }

    /** The module's build output under the repository root. */
    Path buildOutput(Path root) {
        Path target = root.resolve(module).resolve("target");
        return layout == Layout.QUARKUS ? target.resolve("quarkus-app") : target;
    }

    /** The jar the image runs, relative to the build output (and to {@link #APP_DIR}). */
    String jar() {
        return layout == Layout.QUARKUS ? "quarkus-run.jar" : Path.of(module).getFileName() + ".jar";
    }

    /** The command the image starts (the chart adds only arguments, never a command). */
    List<String> entrypoint() {
        var command = new java.util.ArrayList<String>();
        command.add("java");
        command.addAll(JVM_OPTIONS);
        command.add("-jar");
        command.add(APP_DIR + "/" + jar());
        return List.copyOf(command);
    }
}
