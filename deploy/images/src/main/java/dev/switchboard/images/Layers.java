package dev.switchboard.images;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Splits a module's build output into image layers, the ones that change least often first, so a new
 * build of a service usually ships only its last layers:
 *
 * <ol>
 *   <li>{@code dependencies}: third-party jars;
 *   <li>{@code project-libraries}: the project's own library jars (wire, events, catalog, ...);
 *   <li>{@code quarkus}: Quarkus' generated and transformed classes (fast-jar only);
 *   <li>{@code application}: the module's own jar and its runner.
 * </ol>
 *
 * Every file lands under {@link Component#APP_DIR}, owned by root and readable by all (the image's
 * user cannot change its program).
 */
final class Layers {

    private Layers() {}

    /**
     * The layers of one module's build output.
     *
     * @param version the project's version: a jar under lib/ is one of the project's own when its name
     *     carries it (copy-dependencies) or Quarkus names it {@code dev.switchboard.*} (fast-jar)
     */
    static List<FileEntriesLayer> of(Component component, Path output, String version) {
        var dependencies = FileEntriesLayer.builder().setName("dependencies");
        var project = FileEntriesLayer.builder().setName("project-libraries");
        var quarkus = FileEntriesLayer.builder().setName("quarkus");
        var application = FileEntriesLayer.builder().setName("application");
        AbsoluteUnixPath app = AbsoluteUnixPath.get(Component.APP_DIR);
        for (Path file : files(output, component)) {
            Path relative = output.relativize(file);
            AbsoluteUnixPath target = app.resolve(relative.toString());
            String top = relative.getName(0).toString();
            if (top.equals("lib")) {
                (projectJar(file, version) ? project : dependencies).addEntry(file, target);
            } else if (top.equals("quarkus") || top.equals("quarkus-app-dependencies.txt")) {
                quarkus.addEntry(file, target);
            } else {
                application.addEntry(file, target);
            }
        }
        var layers = new ArrayList<FileEntriesLayer>();
        for (var builder : List.of(dependencies, project, quarkus, application)) {
            FileEntriesLayer layer = builder.build();
            if (!layer.getEntries().isEmpty()) {
                layers.add(layer);
            }
        }
        return layers;
    }

    private static boolean projectJar(Path jar, String version) {
        String name = jar.getFileName().toString();
        return name.startsWith("dev.switchboard.") || name.endsWith("-" + version + ".jar");
    }

    /** The files of a build output that belong in the image, in a stable order. */
    private static List<Path> files(Path output, Component component) {
        List<Path> roots = component.layout() == Component.Layout.QUARKUS
                ? List.of(output)
                : List.of(output.resolve("lib"), output.resolve(component.jar()));
        var files = new ArrayList<Path>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new IllegalStateException(root + " is missing: build the module first (make build)");
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
