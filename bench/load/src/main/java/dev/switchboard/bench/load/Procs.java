package dev.switchboard.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CPU time and resident memory of groups of processes, from {@code /proc}. */
final class Procs {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private final Map<String, List<Long>> groups;

    Procs(Map<String, List<Long>> groups) {
        this.groups = groups;
    }

    /** CPU milliseconds used so far by each group (user + system). */
    Map<String, Double> cpuMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        groups.forEach((group, pids) -> {
            double ms = 0;
            for (long pid : pids) {
                ms += cpuMillis(pid);
            }
            out.put(group, ms);
        });
        return out;
    }

    /** Resident memory of each group, in MiB. */
    Map<String, Double> rssMiB() {
        Map<String, Double> out = new LinkedHashMap<>();
        groups.forEach((group, pids) -> {
            long kb = 0;
            for (long pid : pids) {
                kb += rssKb(pid);
            }
            out.put(group, Math.round(kb / 1024.0 * 10) / 10.0);
        });
        return out;
    }

    static double cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) * 1000.0 / TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
