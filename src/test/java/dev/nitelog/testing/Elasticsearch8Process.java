package dev.nitelog.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Elasticsearch 8 as a child JVM on 127.0.0.1, from the jars the build copies to
 * {@code target/elasticsearch8} (system property {@code nitelog.elasticsearch8.lib}). The server
 * jars go on the child's module path; netty and the transport-netty4 jar become the node's only
 * module, in {@code <home>/modules/transport-netty4}. Test use only: never bundled.
 */
public final class Elasticsearch8Process implements AutoCloseable {
    private static final String NETTY_MODULE = "transport-netty4";

    private final Path home;
    private final Process process;
    private final int port;
    private final StringBuilder output = new StringBuilder();

    private Elasticsearch8Process(Path home, Process process, int port) {
        this.home = home;
        this.process = process;
        this.port = port;
    }

    /** Whether the build provided the Elasticsearch jars (Failsafe does; a plain IDE run may not). */
    public static boolean available() {
        return Files.isDirectory(lib());
    }

    private static Path lib() {
        return Path.of(System.getProperty("nitelog.elasticsearch8.lib", "target/elasticsearch8"));
    }

    /** Starts a node and waits up to {@code timeout} for it to serve HTTP. */
    public static Elasticsearch8Process start(Duration timeout) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("nitelog-es8-");
        Path module = Files.createDirectories(home.resolve("modules").resolve(NETTY_MODULE));
        List<String> modulePath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(lib())) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                String name = jar.getFileName().toString();
                if (name.startsWith("netty-") || name.startsWith(NETTY_MODULE + "-")) {
                    Files.copy(jar, module.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                } else {
                    modulePath.add(jar.toAbsolutePath().toString());
                }
            }
        }
        extractDescriptor(module);
        int port = freePort();
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(javaCommand, "-Xms256m", "-Xmx512m",
                "--module-path", String.join(java.io.File.pathSeparator, modulePath),
                "--add-modules=ALL-MODULE-PATH",
                "-cp", testClasses(),
                Elasticsearch8Main.class.getName(), home.toString(), Integer.toString(port))
                .redirectErrorStream(true)
                .start();
        Elasticsearch8Process es = new Elasticsearch8Process(home, process, port);
        es.awaitStarted(timeout);
        return es;
    }

    private static void extractDescriptor(Path module) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(module)) {
            jar = files.filter(p -> p.getFileName().toString().startsWith(NETTY_MODULE + "-")).findFirst()
                    .orElseThrow(() -> new IOException(NETTY_MODULE + " jar missing from " + lib()));
        }
        try (ZipFile zip = new ZipFile(jar.toFile());
             InputStream in = zip.getInputStream(zip.getEntry("META-INF/es-plugins/" + NETTY_MODULE
                     + "/plugin-descriptor.properties"))) {
            Files.copy(in, module.resolve("plugin-descriptor.properties"));
        }
    }

    /** The directory holding {@link Elasticsearch8Main}, from this JVM's class path. */
    private static String testClasses() {
        try {
            return Path.of(Elasticsearch8Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitStarted(Duration timeout) throws InterruptedException {
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.equals("STARTED")) {
                        started.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            started.complete(false);
        }, "es8-output");
        reader.setDaemon(true);
        reader.start();
        boolean ok;
        try {
            ok = started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            ok = false;
        }
        if (!ok) {
            close();
            throw new IllegalStateException("Elasticsearch 8 did not start within " + timeout + ":\n" + tail());
        }
    }

    /** The last lines the node printed, for failure messages. */
    public String tail() {
        synchronized (output) {
            String[] lines = output.toString().split("\n");
            return Stream.of(lines).skip(Math.max(0, lines.length - 40)).collect(Collectors.joining("\n"));
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Closes the node's stdin (it shuts down), kills it if it lingers, deletes its directory. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is not worth failing a test for
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
