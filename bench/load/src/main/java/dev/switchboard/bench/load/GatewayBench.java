package dev.switchboard.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The gateway benchmark: the same phases against each target (direct to the mock, through
 * Switchboard, through another gateway), one target at a time, with the CPU time and memory of every
 * process group sampled around each phase. Configured by a properties file (written by
 * bench/gateway.sh):
 *
 * <pre>
 * targets=direct,switchboard
 * target.direct.url=http://127.0.0.1:18100/v1/chat/completions
 * target.direct.model=gpt-4o-mini
 * target.direct.header.Authorization=Bearer mock
 * group.edge=1234            (pids of each process group, space-separated)
 * phases=quick|full
 * </pre>
 *
 * Writes {@code gateway.json}, {@code gateway.md} and {@code gateway-latency.svg} to the output folder.
 */
public final class GatewayBench {

    private GatewayBench() {}

    /** One measured step: a fixed rate, a fixed concurrency, or streaming at a fixed concurrency. */
    record Phase(String name, String kind, int value, boolean stream, int warmupSeconds, int seconds) {}

    static List<Phase> phases(String mode) {
        boolean quick = "quick".equals(mode);
        int s = quick ? 3 : 20;
        int w = quick ? 2 : 5;
        List<Phase> phases = new ArrayList<>();
        // closed loop: warms every JIT without piling up a backlog that a later phase would measure; the
        // fixed rate of 1,000 comes last, as it may be above what a target serves and leave work behind
        phases.add(new Phase("warm-up", "concurrency", 32, false, 0, quick ? 5 : 60));
        phases.add(new Phase("rate 100", "rate", 100, false, w, s));
        phases.add(new Phase("rate 500", "rate", 500, false, w, s));
        phases.add(new Phase("streaming 16", "concurrency", 16, true, w, s));
        phases.add(new Phase("saturation 64", "concurrency", 64, false, w, s));
        phases.add(new Phase("saturation 256", "concurrency", 256, false, w, s));
        phases.add(new Phase("rate 1000", "rate", 1000, false, w, s));
        return phases;
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config)) {
            p.load(r);
        }
        Map<String, List<Long>> groups = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames().stream().sorted().toList()) {
            if (key.startsWith("group.") && !p.getProperty(key).isBlank()) {
                groups.put(
                        key.substring(6),
                        Arrays.stream(p.getProperty(key).trim().split("\\s+"))
                                .map(Long::parseLong)
                                .toList());
            }
        }
        groups.put("load-generator", List.of(ProcessHandle.current().pid()));
        Procs procs = new Procs(groups);
        List<Phase> phases = phases(p.getProperty("phases", "full"));

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        LoadGen load = new LoadGen(vertx, 4096);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", Instant.now().toString());
        results.put("machine", machine());
        results.put("command", p.getProperty("command", "bench/gateway.sh"));
        results.put("mock", p.getProperty("mock", ""));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : p.getProperty("targets").split(",")) {
            LoadGen.Target plain = target(p, name, false);
            LoadGen.Target streamed = target(p, name, true);
            for (Phase phase : phases) {
                LoadGen.Target target = phase.stream() ? streamed : plain;
                System.out.printf(
                        "==> bench: %s, %s (%s %d s + %d s warm-up)%n",
                        name,
                        phase.name(),
                        phase.stream() ? "streamed" : "not streamed",
                        phase.seconds(),
                        phase.warmupSeconds());
                Map<String, Double> cpuBefore = null;
                LoadGen.Run run;
                if (phase.warmupSeconds() > 0) {
                    // CPU is sampled around the measured window only: the warm-up runs first, unsampled
                    run = measure(load, target, phase, procs);
                } else {
                    cpuBefore = procs.cpuMillis();
                    run = "rate".equals(phase.kind())
                            ? load.fixedRate(target, phase.value(), 0, phase.seconds())
                            : load.fixedConcurrency(target, phase.value(), 0, phase.seconds());
                    run.cpu = diff(procs.cpuMillis(), cpuBefore);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("target", name);
                row.put("phase", phase.name());
                row.put("streamed", phase.stream());
                row.putAll(run.summary());
                row.put("cpu_core_ms_per_request", perRequest(run.cpu, run.ok));
                row.put("rss_mib", procs.rssMiB());
                rows.add(row);
                System.out.printf("    %s%n", compact(row));
            }
        }
        results.put("rows", rows);
        load.close();
        vertx.close();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(out.resolve("gateway.json"), json.writeValueAsString(results), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("gateway.md"), Report.markdown(results, rows), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("gateway-latency.svg"), Report.svg(rows), StandardCharsets.UTF_8);
        System.out.println(
                "==> bench: results in " + out.resolve("gateway.json") + ", gateway.md and gateway-latency.svg");
    }

    private static LoadGen.Run measure(LoadGen load, LoadGen.Target target, Phase phase, Procs procs) {
        // warm-up at the phase's own load, then the measured window with CPU sampled around it
        if ("rate".equals(phase.kind())) {
            load.fixedRate(target, phase.value(), 0, phase.warmupSeconds());
        } else {
            load.fixedConcurrency(target, phase.value(), 0, phase.warmupSeconds());
        }
        Map<String, Double> before = procs.cpuMillis();
        LoadGen.Run run = "rate".equals(phase.kind())
                ? load.fixedRate(target, phase.value(), 0, phase.seconds())
                : load.fixedConcurrency(target, phase.value(), 0, phase.seconds());
        run.cpu = diff(procs.cpuMillis(), before);
        return run;
    }

    private static Map<String, Double> diff(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
        return out;
    }

    private static Map<String, Object> perRequest(Map<String, Double> cpu, long requests) {
        Map<String, Object> out = new LinkedHashMap<>();
        double total = 0;
        for (var e : cpu.entrySet()) {
            double per = requests == 0 ? 0 : e.getValue() / requests;
            out.put(e.getKey(), Math.round(per * 1000) / 1000.0);
            total += per;
        }
        out.put("total", Math.round(total * 1000) / 1000.0);
        return out;
    }

    private static LoadGen.Target target(Properties p, String name, boolean stream) {
        String prefix = "target." + name + ".";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(prefix + "header.")) {
                headers.put(key.substring((prefix + "header.").length()), p.getProperty(key));
            }
        }
        String model = p.getProperty(prefix + "model");
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":32,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something short about routing.\"}]}";
        return new LoadGen.Target(
                name, p.getProperty(prefix + "url"), headers, body.getBytes(StandardCharsets.UTF_8), stream);
    }

    private static String compact(Map<String, Object> row) {
        return "ok=" + row.get("ok") + " rps=" + row.get("achieved_rps") + " errors=" + row.get("errors")
                + " latency_ms=" + row.get("latency_ms")
                + (row.containsKey("ttft_ms") ? " ttft_ms=" + row.get("ttft_ms") : "") + " cpu_ms/req="
                + ((Map<?, ?>) row.get("cpu_core_ms_per_request")).get("total");
    }

    private static String machine() {
        try {
            String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
            return Runtime.getRuntime().availableProcessors() + " cores (" + model + "), "
                    + Math.round(Files.readAllLines(Path.of("/proc/meminfo")).stream()
                            .filter(l -> l.startsWith("MemTotal"))
                            .findFirst()
                            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0)
                            .orElse(0.0))
                    + " GiB, Java " + Runtime.version();
        } catch (IOException e) {
            return "?";
        }
    }
}
