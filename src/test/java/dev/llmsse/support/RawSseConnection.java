package dev.llmsse.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 client on a plain socket, for tests that must control the connection itself: close it or
 * half-close it at an exact point, or see when headers arrive. It de-chunks the body as it reads.
 */
public final class RawSseConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean chunked;
    private boolean ended;
    private boolean cut;

    private RawSseConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Opens a connection and sends {@code GET path} with the extra header lines given. */
    public static RawSseConnection get(int port, String path, String... headerLines) throws IOException {
        return get(port, path, 0, headerLines);
    }

    /**
     * As {@link #get(int, String, String...)}, with the socket's receive buffer set to {@code receiveBuffer}
     * bytes (0: the system's): a small one makes the server see a slow reader's pace sooner.
     */
    public static RawSseConnection get(int port, String path, int receiveBuffer, String... headerLines)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(15_000);
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Accept: text/event-stream\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new RawSseConnection(socket);
    }

    /** Opens a connection and sends {@code request} as it is: any bytes, for tests of malformed requests. */
    public static RawSseConnection send(int port, byte[] request) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        return new RawSseConnection(socket);
    }

    /** Reads the status line and headers, failing if they take longer than {@code timeout}. */
    public RawSseConnection readHeaders(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        String statusLine = readLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        socket.setSoTimeout(15_000);
        return this;
    }

    public int status() {
        return status;
    }

    /** A response header by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Reads body bytes until the body read so far satisfies {@code done}, or the body ends. */
    public String readUntil(Predicate<String> done) throws IOException {
        while (!done.test(body()) && !ended) {
            readChunk();
        }
        return body();
    }

    /** Reads the body to its end (the terminating zero-length chunk). */
    public String readToEnd() throws IOException {
        // Not readUntil: decoding the whole body after every chunk is quadratic for long bodies.
        while (!ended) {
            readChunk();
        }
        return body();
    }

    /**
     * Reads the body at about {@code bytesPerSecond} for {@code duration}, or until it ends: a client that reads
     * steadily but slowly, like a browser on a poor link. The pauses are the pace itself, not a wait for
     * something to happen.
     */
    public void readPaced(long bytesPerSecond, Duration duration) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (!ended && System.nanoTime() < end) {
            readChunk();
            long due = start + body.size() * 1_000_000_000L / bytesPerSecond;
            long ahead = due - System.nanoTime();
            if (ahead > 0) {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            }
        }
    }

    /** Whether the body's end was seen. */
    public boolean ended() {
        return ended;
    }

    /** Whether the connection closed before the body's proper end (no terminating chunk). */
    public boolean cut() {
        return cut;
    }

    /** The body decoded so far, as UTF-8. */
    public String body() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Half-closes: sends FIN but keeps reading, as some clients and proxies do. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Whether the server closed the connection within {@code timeout}. */
    public boolean serverClosedWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // drain whatever is still in flight until the server's FIN
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void readChunk() throws IOException {
        if (!chunked) {
            int next = in.read();
            if (next < 0) {
                ended = true;
            } else {
                body.write(next);
            }
            return;
        }
        String sizeLine;
        try {
            sizeLine = readLine();
        } catch (IOException closed) {
            cut = true;
            ended = true;
            return;
        }
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
            readLine();
            ended = true;
            return;
        }
        body.write(in.readNBytes(size));
        readLine();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int next = in.read(); next != '\n'; next = in.read()) {
            if (next < 0) {
                throw new IOException("connection closed in the middle of a line");
            }
            if (next != '\r') {
                line.write(next);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
