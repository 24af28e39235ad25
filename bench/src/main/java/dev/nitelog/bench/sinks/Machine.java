package dev.nitelog.bench.sinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine a bench ran on, from /proc and /etc/os-release (Linux). */
final class Machine {
    private Machine() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memoryGiB", Math.round(memKb() / 1024.0 / 1024.0 * 10) / 10.0);
        m.put("cpu", field("/proc/cpuinfo", "model name", ":").orElse("unknown"));
        m.put("os", field("/etc/os-release", "PRETTY_NAME", "=").map(s -> s.replace("\"", "")).orElse(System.getProperty("os.name"))
                + " (" + System.getProperty("os.name") + " " + System.getProperty("os.version") + ")");
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }

    private static long memKb() {
        return field("/proc/meminfo", "MemTotal", ":").map(s -> Long.parseLong(s.replaceAll("[^0-9]", ""))).orElse(0L);
    }

    private static java.util.Optional<String> field(String file, String key, String separator) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(separator) + 1).trim());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
