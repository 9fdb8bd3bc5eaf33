package dev.llmsse.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay to a real server that a test can cut (every connection closed, new ones refused) and restore
 * on the same port: the way to make Redis "go away" under a running gateway without touching Redis.
 *
 * <p>It can also <em>stall</em>: connections stay open but nothing is relayed in either direction until
 * {@link #resume()}, the way a hung Redis or a black-holed network looks to a client. {@link #stallOn(String)}
 * stalls from the first request that contains a given text (a Redis command name), so that a test can let
 * the commands before it through.
 */
public final class CuttableTcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private final Object gate = new Object();
    private volatile boolean stalled;
    private volatile byte[] stallTrigger;
    private final AtomicInteger holding = new AtomicInteger();

    public CuttableTcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        ServerSocket first = new ServerSocket();
        first.setReuseAddress(true);
        first.bind(new InetSocketAddress("127.0.0.1", 0));
        this.port = first.getLocalPort();
        accept(first);
    }

    public int port() {
        return port;
    }

    /** Closes every relayed connection and refuses new ones until {@link #restore()}. */
    public synchronized void cut() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** Stops relaying now, in both directions, on every connection; connections stay open. */
    public void stall() {
        stalled = true;
    }

    /** Relays until a client sends bytes containing {@code text} (e.g. {@code "XREVRANGE"}), then stalls. */
    public void stallOn(String text) {
        stallTrigger = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Relays again what was held and everything after it. */
    public void resume() {
        synchronized (gate) {
            stallTrigger = null;
            stalled = false;
            gate.notifyAll();
        }
    }

    /** Accepts connections again, on the same port. */
    public synchronized void restore() throws IOException {
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new InetSocketAddress("127.0.0.1", port));
        accept(again);
    }

    @Override
    public void close() throws IOException {
        cut();
        resume();
    }

    private void accept(ServerSocket listening) {
        server = listening;
        Thread acceptor = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    Socket upstream = new Socket(targetHost, targetPort);
                    sockets.add(client);
                    sockets.add(upstream);
                    pipe(client, upstream, true);
                    pipe(upstream, client, false);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pipe(Socket from, Socket to, boolean request) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (request) {
                        stallIfTriggered(buffer, read);
                    }
                    awaitNotStalled();
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side went away: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Under the gate, as {@link #resume()} is: a check that read the trigger before a resume must not stall after
     * it (that race held a Redis command for good in a loaded CI run, its bytes reaching the proxy as the test
     * resumed).
     */
    private void stallIfTriggered(byte[] buffer, int length) {
        synchronized (gate) {
            byte[] trigger = stallTrigger;
            if (trigger != null && contains(buffer, length, trigger)) {
                stalled = true;
            }
        }
    }

    /** Whether some bytes are held now: a stall has begun and a relay waits on it. */
    public boolean holding() {
        return holding.get() > 0;
    }

    private void awaitNotStalled() throws IOException {
        synchronized (gate) {
            while (stalled) {
                try {
                    holding.incrementAndGet();
                    gate.wait();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while stalled", interrupted);
                } finally {
                    holding.decrementAndGet();
                }
            }
        }
    }

    private static boolean contains(byte[] buffer, int length, byte[] text) {
        outer:
        for (int i = 0; i + text.length <= length; i++) {
            for (int j = 0; j < text.length; j++) {
                if (buffer[i + j] != text[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
