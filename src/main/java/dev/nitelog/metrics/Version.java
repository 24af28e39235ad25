package dev.nitelog.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * nitelog's version as the build stamped it into the jar manifest ({@code Implementation-Version}),
 * read without starting Quarkus so {@code version} works even with a broken configuration.
 */
public final class Version {
    private static final String TITLE = "nitelog";

    private Version() {
    }

    /** The version, or {@code unknown} when not run from the packaged jar (e.g. from classes in tests). */
    public static String current() {
        String fromPackage = Version.class.getPackage() == null ? null : Version.class.getPackage().getImplementationVersion();
        if (fromPackage != null) {
            return fromPackage;
        }
        try {
            Enumeration<URL> manifests = Version.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                try (InputStream in = manifests.nextElement().openStream()) {
                    Attributes main = new Manifest(in).getMainAttributes();
                    if (TITLE.equals(main.getValue(Attributes.Name.IMPLEMENTATION_TITLE))
                            && main.getValue(Attributes.Name.IMPLEMENTATION_VERSION) != null) {
                        return main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                    }
                }
            }
        } catch (IOException e) {
            // fall through: a version we cannot read is not worth failing for
        }
        return "unknown";
    }
}
