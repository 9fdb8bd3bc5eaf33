package dev.llmsse.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real nginx (Debian's package) running {@code docker/nginx.conf} with only the upstream addresses and the
 * listen port substituted, plus any extra substitutions a test names (its "test copy").
 */
public final class NginxProcess implements AutoCloseable {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final int port;
    private final Path prefix;

    private NginxProcess(Process process, int port, Path prefix) {
        this.process = process;
        this.port = port;
        this.prefix = prefix;
    }

    /** Fails in CI, skips elsewhere, when nginx is not installed. */
    public static void require() {
        if (Files.isExecutable(NGINX)) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("nginx is not installed (CI=true: .ci/run installs it; this test must not be skipped in CI)");
        }
        assumeTrue(false, "nginx is not installed: skipping (apt-get install nginx to run this test)");
    }

    /** Starts nginx in front of the two replicas, with {@code extra} literal replacements in the config. */
    public static NginxProcess start(int replica1, int replica2, Map<String, String> extra) throws IOException {
        int port = freePort();
        String config = Files.readString(Path.of("docker/nginx.conf"))
                .replace("gateway-1:8080", "127.0.0.1:" + replica1)
                .replace("gateway-2:8080", "127.0.0.1:" + replica2)
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
        for (Map.Entry<String, String> replacement : extra.entrySet()) {
            if (!config.contains(replacement.getKey())) {
                throw new IllegalArgumentException("docker/nginx.conf has no " + replacement.getKey());
            }
            config = config.replace(replacement.getKey(), replacement.getValue());
        }
        Path prefix = Files.createTempDirectory("nginx");
        // nginx's workers run as nobody when started by root: they must reach the temp directories.
        Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectories(prefix.resolve("logs"));
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, config);
        Process process = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", file.toString(),
                "-g", "daemon off; pid " + prefix.resolve("nginx.pid") + "; error_log " + prefix.resolve("logs/error.log")
                        + " info;")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
                .start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !process.isAlive() || listening(port));
        if (!process.isAlive()) {
            throw new IllegalStateException("nginx exited: " + Files.readString(prefix.resolve("logs/stdout.log"))
                    + Files.readString(prefix.resolve("logs/error.log")));
        }
        return new NginxProcess(process, port, prefix);
    }

    public int port() {
        return port;
    }

    public String errorLog() throws IOException {
        return Files.readString(prefix.resolve("logs/error.log"));
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
