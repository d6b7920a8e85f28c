package dev.switchboard.charttests;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Switchboard chart ({@code deploy/helm/switchboard}) as helm itself sees it: helm-java runs helm's
 * Go libraries in-process, so lint and template behave exactly as {@code helm lint} and
 * {@code helm template} (schema validation included) without a helm binary.
 */
public final class Chart {

    /** The release name and namespace of the plain manifests in deploy/k8s. */
    public static final String RELEASE = "switchboard";

    public static final String NAMESPACE = "switchboard";

    /**
     * The Kubernetes version renders assume: the oldest the chart supports (Chart.yaml kubeVersion; the
     * preStop sleep action is on by default from 1.30). Without it helm's client-only default, v1.20, applies.
     */
    public static final String KUBE_VERSION = "v1.30.0";

    private final Path root;

    private Chart(Path root) {
        this.root = root;
    }

    /** The chart of the repository at {@code root}. */
    public static Chart at(Path root) {
        Path chart = root.resolve("deploy/helm/switchboard/Chart.yaml");
        if (!Files.isRegularFile(chart)) {
            throw new IllegalArgumentException("no chart at " + chart);
        }
        return new Chart(root.toAbsolutePath().normalize());
    }

    /**
     * The repository root: the system property {@code switchboard.root} (set by the module's build), else
     * the nearest parent of the working directory that holds the chart.
     */
    public static Chart ofRepository() {
        String configured = System.getProperty("switchboard.root");
        if (configured != null && !configured.isBlank()) {
            return at(Path.of(configured));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/helm/switchboard/Chart.yaml"))) {
                return at(p);
            }
        }
        throw new IllegalStateException("run from inside the repository or set -Dswitchboard.root");
    }

    public Path root() {
        return root;
    }

    public Path dir() {
        return root.resolve("deploy/helm/switchboard");
    }

    public Path productionValues() {
        return dir().resolve("values-production.yaml");
    }

    /** {@code helm lint --strict}. */
    public LintResult lint() {
        return new Helm(dir()).lint().strict().call();
    }

    /** {@code helm template} with the default values. */
    public String render() {
        return render(List.of(), Map.of());
    }

    /**
     * {@code helm template switchboard -n switchboard [-f file]... [--set k=v]...}; fails (an
     * {@link IllegalStateException} with helm's message) when the values break the schema or a template.
     */
    public String render(List<Path> valuesFiles, Map<String, String> sets) {
        TemplateCommand command = new Helm(dir())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (Map.Entry<String, String> set : new LinkedHashMap<>(sets).entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return command.call();
    }
}
