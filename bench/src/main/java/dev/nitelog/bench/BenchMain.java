package dev.nitelog.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code BenchMain [--quick] scenario...}: runs the scenarios and writes their result files. */
public final class BenchMain {
    private static final Map<String, Supplier<Scenario>> SCENARIOS = Map.of(
            "repoll", RepollBench::new,
            "throughput", ThroughputBench::new,
            "freshness", FreshnessBench::new,
            "memory", MemoryBench::new,
            "catchup", CatchUpBench::new,
            "http", HttpBench::new);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        List<String> names = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else {
                names.add(a);
            }
        }
        for (String name : names) {
            Supplier<Scenario> s = SCENARIOS.get(name);
            if (s == null) {
                System.err.println("unknown scenario " + name + "; known: " + SCENARIOS.keySet());
                System.exit(2);
            }
            Result r = s.get().run(quick);
            Path file = r.write();
            System.err.println("bench: wrote " + file);
            r.figures().forEach(f -> System.err.println("  " + f));
        }
        System.exit(0); // simulator and client threads must not keep the JVM up
    }
}
