package dev.nitelog.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this jar was built from, for {@code nitelog_build_info}: the version from the manifest and the
 * git commit the build wrote to {@value #RESOURCE} (pom.xml, antrun {@code build-info}).
 */
public record BuildInfo(String version, String revision) {
    static final String RESOURCE = "META-INF/nitelog-build.properties";
    private static final String UNKNOWN = "unknown";

    /** The running build; either part is {@code unknown} when the build could not tell. */
    public static BuildInfo current() {
        return new BuildInfo(Version.current(), readRevision());
    }

    private static String readRevision() {
        Properties props = new Properties();
        try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            // a revision we cannot read is not worth failing for
        }
        String revision = props.getProperty("revision", "").strip();
        return revision.isEmpty() ? UNKNOWN : revision;
    }

    /** Registers {@code nitelog_build_info{version,revision} 1}. */
    public void register(MeterRegistry registry) {
        Gauge.builder(MetricNames.BUILD_INFO, () -> 1).tag("version", version).tag("revision", revision)
                .description("Always 1: the version and git revision of the running nitelog").register(registry);
    }
}
