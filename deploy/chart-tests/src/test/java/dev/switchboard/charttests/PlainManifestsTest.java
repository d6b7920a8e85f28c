package dev.switchboard.charttests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/k8s holds exactly what the chart renders with its defaults (`make manifests` regenerates it). */
class PlainManifestsTest {

    @Test
    void thePlainManifestsAreTheChartsDefaultRender() throws IOException {
        String committed = Files.readString(ManifestRenderer.target(Renders.CHART));

        assertThat(committed)
                .as("deploy/k8s/switchboard.yaml is out of date: run `make manifests`")
                .isEqualTo(ManifestRenderer.HEADER + Renders.defaults().strip() + "\n");
    }

    @Test
    void thePlainManifestsAreKubernetesObjects() throws IOException {
        String committed = Files.readString(ManifestRenderer.target(Renders.CHART));

        assertThat(Manifests.objects(committed)).hasSameSizeAs(Manifests.objects(Renders.defaults()));
    }
}
