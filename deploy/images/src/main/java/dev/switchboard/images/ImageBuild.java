package dev.switchboard.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code make images}: builds one OCI image per {@link Component} with Jib, from each module's build
 * output, and writes each as an OCI archive ({@code <out>/<name>.tar}, loadable with {@code podman load}
 * or {@code skopeo copy oci-archive:...}) plus {@code images.json}, the list of what was built.
 *
 * <pre>java dev.switchboard.images.ImageBuild ROOT OUT BASE VERSION [MODULE...]</pre>
 *
 * BASE is a Jib image reference: {@code tar:///path/base.tar} (what deploy/images/base.sh builds here)
 * or, where a registry is reachable, {@code registry://eclipse-temurin:25-jre} or any JRE 25 image whose
 * PATH has {@code java}. Images run as the base's user (10001 for the built base; set explicitly so a
 * public base runs non-root too), work in /deployments and carry OCI labels. Layers and timestamps are
 * reproducible: the same build output gives the same image digest.
 */
public final class ImageBuild {

    /** The user every image runs as: the chart's runAsUser and runAsGroup. */
    static final String USER = "10001:10001";

    private ImageBuild() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ImageBuild ROOT OUT BASE VERSION [MODULE...]");
            System.exit(2);
        }
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        Path out = Path.of(args[1]).toAbsolutePath().normalize();
        String base = args[2];
        String version = args[3];
        List<Component> components = select(List.of(args).subList(4, args.length));
        Files.createDirectories(out);
        var built = new ArrayList<Map<String, Object>>();
        for (Component component : components) {
            Instant start = Instant.now();
            JibContainer image = build(component, root, out, base, version);
            Path tar = out.resolve(tarName(component));
            System.out.printf(
                    "==> images: %s:%s  %s  %d MiB  (%.1f s)%n",
                    component.imageName(),
                    version,
                    image.getDigest(),
                    Files.size(tar) >> 20,
                    Duration.between(start, Instant.now()).toMillis() / 1000.0);
            var entry = new LinkedHashMap<String, Object>();
            entry.put("module", component.module());
            entry.put("image", component.imageName() + ":" + version);
            entry.put("archive", out.relativize(tar).toString());
            entry.put("digest", image.getDigest().toString());
            entry.put("imageId", image.getImageId().toString());
            entry.put("port", component.port().isPresent() ? component.port().getAsInt() : null);
            built.add(entry);
        }
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("images.json").toFile(), Map.of("base", base, "images", built));
        System.out.printf("==> images: %d images in %s (images.json lists them)%n", built.size(), out);
    }

    /** The archive an image is written to. */
    public static String tarName(Component component) {
        return component.imageName().replace('/', '_') + ".tar";
    }

    private static List<Component> select(List<String> modules) {
        if (modules.isEmpty()) {
            return Component.ALL;
        }
        var selected = new ArrayList<Component>();
        for (String module : modules) {
            selected.add(Component.ALL.stream()
                    .filter(c -> c.module().equals(module) || c.imageName().endsWith("/" + module))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no image for module " + module)));
        }
        return selected;
    }

    private static JibContainer build(Component component, Path root, Path out, String base, String version)
            throws Exception {
        Path output = component.buildOutput(root);
        JibContainerBuilder builder = Jib.from(base)
                .setFormat(ImageFormat.OCI)
                .setCreationTime(Instant.EPOCH)
                .setUser(USER)
                .setWorkingDirectory(AbsoluteUnixPath.get(Component.APP_DIR))
                .setEntrypoint(component.entrypoint())
                .addLabel("org.opencontainers.image.title", component.imageName())
                .addLabel("org.opencontainers.image.version", version)
                .addLabel("org.opencontainers.image.source", "switchboard/" + component.module())
                .addLabel("org.opencontainers.image.base.name", baseName(base));
        component.port().ifPresent(port -> builder.addExposedPort(Port.tcp(port)));
        for (var layer : Layers.of(component, output, version)) {
            builder.addFileEntriesLayer(layer);
        }
        Path cache = out.resolve(".cache");
        Containerizer containerizer = Containerizer.to(
                        TarImage.at(out.resolve(tarName(component))).named(component.imageName() + ":" + version))
                .setToolName("switchboard-images")
                .setBaseImageLayersCache(cache.resolve("base"))
                .setApplicationLayersCache(cache.resolve("application"))
                .addEventHandler(LogEvent.class, ImageBuild::log);
        return builder.containerize(containerizer);
    }

    /** The base's name for the image's label: a registry reference, or the local base (no host path). */
    static String baseName(String base) {
        return base.startsWith(Jib.TAR_IMAGE_PREFIX) ? "switchboard/base (deploy/images/base.sh)" : base;
    }

    private static void log(LogEvent event) {
        if (event.getLevel() == LogEvent.Level.ERROR || event.getLevel() == LogEvent.Level.WARN) {
            System.err.println("    jib " + event.getLevel() + ": " + event.getMessage());
        }
    }
}
