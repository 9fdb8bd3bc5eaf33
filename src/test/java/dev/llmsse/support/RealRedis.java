package dev.llmsse.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The Redis these tests use: 127.0.0.1:6379. In CI ({@code CI=true}) it must be there and a test fails
 * without it; on a developer's machine without Redis the test is skipped, saying why.
 */
public final class RealRedis {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 6379;

    private RealRedis() {
    }

    /** Fails in CI, skips elsewhere, when Redis does not answer on 127.0.0.1:6379. */
    public static void require() {
        if (reachable()) {
            return;
        }
        String why = "Redis is not reachable on " + HOST + ":" + PORT;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + " (CI=true: .ci/run starts it; this test must not be skipped in CI)");
        }
        assumeTrue(false, why + ": skipping (start redis-server to run this test)");
    }

    private static boolean reachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, PORT), 500);
            socket.getOutputStream().write("PING\r\n".getBytes());
            return socket.getInputStream().read() == '+';
        } catch (IOException unreachable) {
            return false;
        }
    }
}
