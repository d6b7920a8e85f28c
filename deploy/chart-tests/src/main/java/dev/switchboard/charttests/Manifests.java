package dev.switchboard.charttests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A rendered multi-document YAML stream, as fabric8 model objects. */
public final class Manifests {

    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {}

    public static KubernetesSerialization serialization() {
        return SERIALIZATION;
    }

    /** The non-empty documents (comments-only documents, as helm writes for an empty template, dropped). */
    public static List<String> documents(String yaml) {
        List<String> documents = new ArrayList<>();
        for (String document : SEPARATOR.split(yaml)) {
            boolean content =
                    document.lines().map(String::strip).anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
            if (content) {
                documents.add(document);
            }
        }
        return documents;
    }

    /** Every document as its fabric8 model: a typed class for a known kind, GenericKubernetesResource otherwise. */
    public static List<HasMetadata> objects(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : documents(yaml)) {
            KubernetesResource resource = SERIALIZATION.unmarshal(document, KubernetesResource.class);
            if (!(resource instanceof HasMetadata object)) {
                throw new IllegalArgumentException("not a Kubernetes object: " + document);
            }
            objects.add(object);
        }
        return objects;
    }
}
