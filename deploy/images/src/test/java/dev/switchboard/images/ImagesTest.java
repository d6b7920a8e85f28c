package dev.switchboard.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads what {@code make images} built (deploy/local/test.sh runs this right after it): one OCI archive
 * per component, each with the user, entrypoint, working directory and port the chart expects, the
 * shared base's two layers first, then the module's layers from the least to the most often changed;
 * and the build is reproducible.
 */
class ImagesTest {

    private static final Path OUT = Path.of(System.getProperty("images.out"));
    private static final String VERSION = System.getProperty("project.version");
    private static final Map<String, OciArchive> IMAGES = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void read() {
        for (Component component : Component.ALL) {
            Path archive = archive(component);
            assertThat(archive)
                    .as("make images builds %s", component.imageName())
                    .exists();
            IMAGES.put(component.module(), OciArchive.read(archive));
        }
    }

    private static Path archive(Component component) {
        return OUT.resolve(ImageBuild.tarName(component));
    }

    @Test
    void everyImageIsNamedAsTheChartNamesItAndListedInImagesJson() throws Exception {
        JsonNode listed = new ObjectMapper().readTree(OUT.resolve("images.json").toFile());
        var names = new ArrayList<String>();
        listed.path("images").forEach(i -> names.add(i.path("image").asText()));
        var expected =
                Component.ALL.stream().map(c -> c.imageName() + ":" + VERSION).toList();
        assertThat(names).containsExactlyElementsOf(expected);
        for (Component component : Component.ALL) {
            assertThat(IMAGES.get(component.module()).reference()).isEqualTo(component.imageName() + ":" + VERSION);
        }
    }

    @Test
    void everyImageRunsAsTheNonRootUserWithTheJavaEntrypointAndItsPort() {
        for (Component component : Component.ALL) {
            OciArchive image = IMAGES.get(component.module());
            JsonNode config = image.config();
            assertThat(image.manifest().path("mediaType").asText())
                    .isEqualTo("application/vnd.oci.image.manifest.v1+json");
            assertThat(config.path("os").asText()).isEqualTo("linux");
            assertThat(config.path("architecture").asText()).isEqualTo("amd64");
            JsonNode run = config.path("config");
            assertThat(run.path("User").asText()).as(component.module()).isEqualTo("10001:10001");
            assertThat(run.path("WorkingDir").asText()).isEqualTo("/deployments");
            List<String> entrypoint = new ArrayList<>();
            run.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
            assertThat(entrypoint).first().isEqualTo("java");
            assertThat(entrypoint)
                    .containsSequence("-jar", component.entrypoint().getLast());
            assertThat(run.path("Cmd").isMissingNode()
                            || run.path("Cmd").isNull()
                            || run.path("Cmd").isEmpty())
                    .as("arguments come from the chart only")
                    .isTrue();
            var ports = new ArrayList<String>();
            run.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
            assertThat(ports)
                    .containsExactlyElementsOf(
                            component.port().stream().mapToObj(p -> p + "/tcp").toList());
            var env = new ArrayList<String>();
            run.path("Env").forEach(e -> env.add(e.asText()));
            assertThat(env).anyMatch(e -> e.startsWith("PATH=/opt/java/bin:"));
            assertThat(run.path("Labels")
                            .path("org.opencontainers.image.version")
                            .asText())
                    .isEqualTo(VERSION);
        }
    }

    @Test
    void theBaseLayersComeFirstAndAreSharedByEveryImage() {
        List<OciArchive.Layer> base = IMAGES.get("edge-service").layers().subList(0, 2);
        for (OciArchive image : IMAGES.values()) {
            assertThat(image.layers().subList(0, 2)).isEqualTo(base);
        }
        Path archive = archive(Component.ALL.getFirst());
        OciArchive edge = IMAGES.get("edge-service");
        var rootfs = edge.entries(archive, base.get(0)).stream()
                .map(OciArchive.Entry::path)
                .toList();
        assertThat(rootfs).anyMatch(p -> p.endsWith("libc.so.6"));
        assertThat(rootfs)
                .as("no device nodes, no shell, no package manager")
                .noneMatch(p -> p.startsWith("./dev/") && p.length() > "./dev/".length())
                .noneMatch(p -> p.endsWith("/bin/sh") || p.endsWith("/bin/bash") || p.endsWith("/bin/apt"));
        var runtime = edge.entries(archive, base.get(1)).stream()
                .collect(Collectors.toMap(OciArchive.Entry::path, e -> e, (a, b) -> b));
        assertThat(runtime).containsKeys("./opt/java/bin/java", "./etc/passwd", "./etc/nsswitch.conf");
        assertThat(runtime.get("./opt/java/bin/java").mode() & 0111).isNotZero();
        assertThat(runtime.get("./tmp/").mode() & 01777).isEqualTo(01777);
    }

    @Test
    void moduleLayersGoFromDependenciesToTheApplicationAndAreOwnedByRoot() {
        for (Component component : Component.ALL) {
            OciArchive image = IMAGES.get(component.module());
            Path archive = archive(component);
            List<OciArchive.Layer> own =
                    image.layers().subList(2, image.layers().size());
            int expected = component.layout() == Component.Layout.QUARKUS ? 4 : 2;
            assertThat(own).as(component.module()).hasSizeBetween(expected - 1, expected);
            List<List<String>> files = own.stream()
                    .map(l -> image.entries(archive, l).stream()
                            .filter(e -> !e.directory())
                            .peek(e -> {
                                assertThat(e.uid()).as(e.path()).isZero();
                                assertThat(e.mode() & 0022)
                                        .as("%s not writable by the image's user", e.path())
                                        .isZero();
                            })
                            .map(OciArchive.Entry::path)
                            .toList())
                    .toList();
            assertThat(files.getFirst()).as("dependencies first").allMatch(p -> p.contains("/lib/"));
            assertThat(files.getLast())
                    .as("the application last")
                    .contains(component.entrypoint().getLast().substring(1));
            if (component.layout() == Component.Layout.QUARKUS) {
                assertThat(files.stream().flatMap(List::stream)).anyMatch(p -> p.endsWith("quarkus-application.dat"));
            }
        }
    }

    /** skopeo (containers/image, what podman and CRI-O use) reads every archive as the OCI image it is. */
    @Test
    void skopeoReadsEveryArchiveAsAnOciImage() throws Exception {
        for (Component component : Component.ALL) {
            Process skopeo = new ProcessBuilder("skopeo", "inspect", "oci-archive:" + archive(component))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(skopeo.getInputStream().readAllBytes());
            assertThat(skopeo.waitFor())
                    .as("skopeo inspect %s: %s", component.imageName(), output)
                    .isZero();
            JsonNode inspected = new ObjectMapper().readTree(output);
            assertThat(inspected.path("Architecture").asText()).isEqualTo("amd64");
            assertThat(inspected.path("Layers"))
                    .hasSameSizeAs(IMAGES.get(component.module()).layers());
            assertThat(inspected
                            .path("Labels")
                            .path("org.opencontainers.image.title")
                            .asText())
                    .isEqualTo(component.imageName());
        }
    }

    @Test
    void theSameBuildOutputGivesTheSameImage(@TempDir Path again) throws Exception {
        Component simulator = Component.ALL.stream()
                .filter(c -> c.module().equals("provider-simulator"))
                .findFirst()
                .orElseThrow();
        ImageBuild.main(new String[] {
            System.getProperty("switchboard.root"),
            again.toString(),
            System.getProperty("images.base"),
            VERSION,
            simulator.module()
        });
        assertThat(OciArchive.read(again.resolve(ImageBuild.tarName(simulator))).manifest())
                .isEqualTo(IMAGES.get(simulator.module()).manifest());
        assertThat(Files.size(again.resolve(ImageBuild.tarName(simulator)))).isEqualTo(Files.size(archive(simulator)));
    }
}
