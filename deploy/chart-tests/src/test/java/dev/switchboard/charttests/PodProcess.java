package dev.switchboard.charttests;

import dev.switchboard.images.OciArchive;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one rendered container from its OCI image the way a kubelet and a container runtime would, without
 * either: the image's layers unpacked into a root file system, then, in a mount namespace of its own,
 * that root bound read-only (readOnlyRootFilesystem), {@code /tmp} and every emptyDir a tmpfs, every Secret and ConfigMap volume
 * its files (read-only), /dev and /proc, the service account's token and namespace where the pod
 * mounts them; the process started with {@code chroot} semantics ({@code unshare --root --wd}) as the
 * pod's runAsUser and runAsGroup, with the image's Env, then the container's envFrom and env (Secret
 * references and {@code $(VAR)} expanded), and the image's entrypoint with the container's args.
 *
 * <p>What differs from a cluster, and only this: the network is the machine's (so the cluster's host
 * names resolve to 127.0.0.1 through the pod's /etc/hosts, as the kubelet writes it), and the Kubernetes
 * API is reached through {@code KUBERNETES_MASTER} instead of the in-cluster service variables. No
 * cgroups: resource limits are not enforced. Needs root (mount namespaces, chroot).
 */
final class PodProcess {

    /** A Secret as the test holds it: name → key → value. */
    record Secrets(Map<String, Map<String, String>> byName) {
        String value(String secret, String key) {
            Map<String, String> keys = byName.get(secret);
            if (keys == null || !keys.containsKey(key)) {
                throw new AssertionError(
                        "the pod needs Secret " + secret + " key " + key + ", which no documented Secret has");
            }
            return keys.get(key);
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    final String name;
    final Process process;
    final Path log;

    private PodProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a pod's first container.
     *
     * @param work a directory of this pod's own (root file system, volumes, log)
     * @param hosts host names the pod's /etc/hosts maps to 127.0.0.1
     * @param extraEnv what stands in for the in-cluster service variables (KUBERNETES_MASTER)
     */
    static PodProcess start(
            String name,
            PodSpec pod,
            String namespace,
            List<ConfigMap> configMaps,
            Secrets secrets,
            Path image,
            Path work,
            List<String> hosts,
            Map<String, String> extraEnv)
            throws IOException {
        Container container = pod.getContainers().getFirst();
        OciArchive archive = OciArchive.read(image);
        Path root = work.resolve("root");
        archive.unpack(image, root);
        var hostsFile = new StringBuilder("127.0.0.1\tlocalhost\n127.0.0.1\t" + name + "\n");
        hosts.forEach(h -> hostsFile.append("127.0.0.1\t").append(h).append('\n'));
        Files.writeString(root.resolve("etc/hosts"), hostsFile);

        var script = new StringBuilder("set -e\n");
        line(script, "mount", "--bind", root, root);
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getVolumes().stream()
                    .filter(v -> v.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " mounts an undeclared volume " + mount.getName()));
            Path target = root.resolve(mount.getMountPath().substring(1));
            Files.createDirectories(target);
            if (volume.getEmptyDir() != null) {
                line(script, "mount", "-t", "tmpfs", "-o", "mode=1777,size=256m", "tmpfs", target);
            } else if (volume.getSecret() != null || volume.getConfigMap() != null) {
                Path files = work.resolve("volumes").resolve(volume.getName());
                Files.createDirectories(files);
                Map<String, String> data = volume.getSecret() != null
                        ? secrets.byName().getOrDefault(volume.getSecret().getSecretName(), Map.of())
                        : configMap(configMaps, volume.getConfigMap().getName()).getData();
                for (var entry : data.entrySet()) {
                    Files.writeString(files.resolve(entry.getKey()), entry.getValue());
                }
                line(script, "mount", "--bind", files, target);
                line(script, "mount", "-o", "remount,bind,ro", target);
            } else {
                throw new AssertionError(name + ": a volume kind the boot test does not know: " + volume);
            }
        }
        if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
            Path account = work.resolve("serviceaccount");
            Files.createDirectories(account);
            Files.writeString(account.resolve("namespace"), namespace);
            Files.writeString(account.resolve("token"), "boot-test-token");
            Path target = root.resolve("var/run/secrets/kubernetes.io/serviceaccount");
            Files.createDirectories(target);
            line(script, "mount", "--bind", account, target);
        }
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("proc"));
        var own = container.getSecurityContext();
        if (own != null && Boolean.TRUE.equals(own.getReadOnlyRootFilesystem())) {
            line(script, "mount", "-o", "remount,bind,ro", root);
        }
        line(script, "mount", "--rbind", "/dev", root.resolve("dev"));
        line(script, "mount", "-t", "proc", "proc", root.resolve("proc"));
        // the container's ids over the pod's, as the kubelet takes them
        var pods = pod.getSecurityContext();
        long uid = own != null && own.getRunAsUser() != null ? own.getRunAsUser() : pods.getRunAsUser();
        long gid = own != null && own.getRunAsGroup() != null ? own.getRunAsGroup() : pods.getRunAsGroup();
        String workingDir = archive.config().path("config").path("WorkingDir").asText("/");
        line(script, "exec", "unshare", "--root", root, "--wd", workingDir, "--setgid", gid, "--setuid", uid, "--");
        script.setLength(script.length() - 1); // the program's own words follow: sh's arguments, unquoted
        script.append(" \"$@\"\n");

        var command = new ArrayList<String>(List.of(
                "/usr/bin/unshare",
                "--mount",
                "--propagation",
                "private",
                "--fork",
                "--kill-child=SIGTERM",
                "/bin/sh",
                "-c",
                script.toString(),
                "pod-" + name));
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            command.addAll(container.getCommand());
        } else {
            archive.config().path("config").path("Entrypoint").forEach(e -> command.add(e.asText()));
        }
        if (container.getArgs() != null) {
            command.addAll(container.getArgs());
        }
        Path log = work.resolve(name + ".log");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(name, container, namespace, configMaps, secrets, archive, extraEnv));
        return new PodProcess(name, builder.start(), log);
    }

    /** The container's environment, built as the kubelet builds it. */
    static Map<String, String> environment(
            String name,
            Container container,
            String namespace,
            List<ConfigMap> configMaps,
            Secrets secrets,
            OciArchive archive,
            Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        archive.config().path("config").path("Env").forEach(e -> {
            String[] pair = e.asText().split("=", 2);
            env.put(pair[0], pair[1]);
        });
        env.put("HOSTNAME", name);
        env.putAll(extraEnv);
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                env.putAll(
                        configMap(configMaps, from.getConfigMapRef().getName()).getData());
            } else {
                throw new AssertionError(name + ": envFrom other than a ConfigMap: " + from);
            }
        }
        for (EnvVar var : container.getEnv()) {
            String value;
            if (var.getValueFrom() == null) {
                value = expand(var.getValue() == null ? "" : var.getValue(), env);
            } else if (var.getValueFrom().getSecretKeyRef() != null) {
                var ref = var.getValueFrom().getSecretKeyRef();
                value = secrets.value(ref.getName(), ref.getKey());
            } else if (var.getValueFrom().getFieldRef() != null) {
                String field = var.getValueFrom().getFieldRef().getFieldPath();
                value = switch (field) {
                    case "metadata.name" -> name;
                    case "metadata.namespace" -> namespace;
                    case "status.podIP", "status.hostIP" -> "127.0.0.1";
                    default -> throw new AssertionError(name + ": a fieldRef the boot test does not know: " + field);
                };
            } else {
                throw new AssertionError(name + ": an env source the boot test does not know: " + var);
            }
            env.put(var.getName(), value);
        }
        return env;
    }

    /** {@code $(VAR)} as the kubelet expands it: a variable defined earlier, else left as written. */
    static String expand(String value, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(value);
        var out = new StringBuilder();
        while (m.find()) {
            String replacement = env.getOrDefault(m.group(1), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static ConfigMap configMap(List<ConfigMap> configMaps, String name) {
        return configMaps.stream()
                .filter(c -> c.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the pod names a ConfigMap the chart did not render: " + name));
    }

    /** One line of the launch script, every word single-quoted (paths, ids and options alike). */
    private static void line(StringBuilder script, Object... words) {
        for (Object word : words) {
            script.append('\'').append(word.toString().replace("'", "'\\''")).append("' ");
        }
        script.setCharAt(script.length() - 1, '\n');
    }

    /** The last lines of the pod's log, for a failure message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM to the program (as the kubelet sends it after preStop), then waits for it to end. */
    int stop(long graceSeconds) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(graceSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
            return -1;
        }
        return process.exitValue();
    }
}
