package dev.llmsse.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as operators run it: the built jar in its own JVM. Used by the integration tests
 * (failsafe runs them after {@code package}), so that what is tested is the artifact that ships.
 */
public final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the jar under {@code target/} with {@code --name=value} arguments and waits until it is ready. */
    public static GatewayProcess start(String... arguments) throws IOException {
        return start(List.of(), List.of("-Xmx256m", "-XX:+UseSerialGC"), arguments);
    }

    /**
     * Starts the jar behind {@code launcher} (such as {@code taskset -c 0}) with the JVM options given, and
     * waits until it is ready.
     */
    public static GatewayProcess start(List<String> launcher, List<String> jvmOptions, String... arguments)
            throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("gateway-" + port, ".log");
        log.toFile().deleteOnExit();
        List<String> command = new ArrayList<>(launcher);
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString(), "--server.port=" + port));
        for (String argument : arguments) {
            command.add("--" + argument);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayProcess gateway = new GatewayProcess(process, port, log);
        await().atMost(120, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                .until(() -> !process.isAlive() || gateway.ready());
        if (!process.isAlive()) {
            throw new IllegalStateException("gateway exited at start:\n" + Files.readString(log));
        }
        return gateway;
    }

    /** Starts several gateways at once (each JVM start takes seconds): one per argument list. */
    public static List<GatewayProcess> startAll(List<String[]> argumentLists) {
        List<java.util.concurrent.CompletableFuture<GatewayProcess>> starting = argumentLists.stream()
                .map(arguments -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return start(arguments);
                    } catch (IOException failed) {
                        throw new java.io.UncheckedIOException(failed);
                    }
                }))
                .toList();
        return starting.stream().map(java.util.concurrent.CompletableFuture::join).toList();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Sends SIGTERM, as an orchestrator does. */
    public void terminate() {
        process.destroy();
    }

    public boolean waitForExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private boolean ready() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url() + "/actuator/health/readiness")
                    .toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            return connection.getResponseCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static Path jar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(path -> path.getFileName().toString().matches("llm-sse-gateway-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no jar in target/: run ./mvnw verify"));
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
