package dev.llmsse.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a plain {@link Socket}, for tests that need the bytes on the wire: the exact
 * response headers, the body as it arrives (de-chunked, but not decoded any further), and control over the
 * connection (close or half-close it at a chosen point).
 *
 * <pre>{@code
 * RawHttpClient client = new RawHttpClient(port);
 * try (RawHttpClient.Exchange exchange = client.send(RawHttpClient.Request.get("/api/llm?prompt=hi"))) {
 *     byte[] chunk = exchange.readChunk(Duration.ofSeconds(5));   // null once the body has ended
 * }
 * }</pre>
 *
 * Every read is bounded by a timeout, so a test that expects more bytes than the server sends fails with a
 * {@link SocketTimeoutException} instead of hanging.
 */
public final class RawHttpClient {

    private final String host;
    private final int port;
    private final Duration timeout;

    /** A client for {@code 127.0.0.1:port} whose connect and head reads time out after 10 seconds. */
    public RawHttpClient(int port) {
        this("127.0.0.1", port, Duration.ofSeconds(10));
    }

    /**
     * @param host    the server's host
     * @param port    the server's port
     * @param timeout bound for connecting and for reading the status line and headers
     */
    public RawHttpClient(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    /** Opens a connection, writes the request, and reads the status line and headers. */
    public Exchange send(Request request) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.encode(host + ":" + port));
            out.flush();
            return new Exchange(socket, request.method());
        } catch (IOException | RuntimeException failure) {
            socket.close();
            throw failure;
        }
    }

    /**
     * A request to send. Headers are written in the order given, after {@code Host}; {@code Connection: close}
     * and {@code Content-Length} are added unless given, so that the connection ends with the response.
     *
     * @param method  the method, e.g. {@code GET}
     * @param target  the request target exactly as it goes on the wire, already percent-encoded
     * @param headers header name and value pairs
     * @param body    the body, or null for none
     */
    public record Request(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

        public Request {
            headers = List.copyOf(headers);
            checkNoLineBreak(method);
            checkNoLineBreak(target);
            headers.forEach(header -> {
                checkNoLineBreak(header.getKey());
                checkNoLineBreak(header.getValue());
            });
        }

        /** {@code GET target} with no headers of its own. */
        public static Request get(String target) {
            return new Request("GET", target, List.of(), null);
        }

        /** {@code POST target} with this body; the content type is for the caller to add. */
        public static Request post(String target, byte[] body) {
            return new Request("POST", target, List.of(), body);
        }

        /** The same request with one more header. */
        public Request header(String name, String value) {
            List<Map.Entry<String, String>> more = new ArrayList<>(headers);
            more.add(Map.entry(name, value));
            return new Request(method, target, more, body);
        }

        /** The request's bytes; header values go out as UTF-8, which HTTP treats as opaque octets. */
        byte[] encode(String authority) {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            if (!has("Host")) {
                head.append("Host: ").append(authority).append("\r\n");
            }
            headers.forEach(header -> head.append(header.getKey()).append(": ").append(header.getValue())
                    .append("\r\n"));
            if (!has("Connection")) {
                head.append("Connection: close\r\n");
            }
            if (body != null && !has("Content-Length") && !has("Transfer-Encoding")) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                bytes.writeBytes(body);
            }
            return bytes.toByteArray();
        }

        private boolean has(String name) {
            return headers.stream().anyMatch(header -> header.getKey().equalsIgnoreCase(name));
        }

        private static void checkNoLineBreak(String text) {
            if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("CR or LF would split the request head: " + text);
            }
        }
    }

    /** Response headers, in order, looked up case-insensitively. */
    public static final class Headers {

        private final List<Map.Entry<String, String>> entries;

        Headers(List<Map.Entry<String, String>> entries) {
            this.entries = List.copyOf(entries);
        }

        /** The first value of {@code name}, or null. */
        public String first(String name) {
            return all(name).stream().findFirst().orElse(null);
        }

        /** Every value of {@code name}, in order. */
        public List<String> all(String name) {
            return entries.stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).toList();
        }

        /** Every header line as a name and value pair, in order. */
        public List<Map.Entry<String, String>> entries() {
            return entries;
        }

        @Override
        public String toString() {
            return entries.toString();
        }
    }

    /**
     * One response being read. The body is read incrementally: chunked transfer coding is removed chunk by
     * chunk, a {@code Content-Length} body is read up to its length, anything else up to the end of the
     * connection.
     */
    public static final class Exchange implements AutoCloseable {

        private enum Framing { NONE, CHUNKED, LENGTH, UNTIL_CLOSE }

        private final Socket socket;
        private final InputStream in;
        private final String statusLine;
        private final int status;
        private final Headers headers;
        private final Framing framing;
        private long remaining;
        private boolean ended;

        Exchange(Socket socket, String method) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.statusLine = readLine();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            this.status = Integer.parseInt(parts[1]);
            List<Map.Entry<String, String>> lines = new ArrayList<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + line);
                }
                lines.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
            }
            this.headers = new Headers(lines);
            this.framing = framing(method);
            this.ended = framing == Framing.NONE || (framing == Framing.LENGTH && remaining == 0);
        }

        /** The status code. */
        public int status() {
            return status;
        }

        /** The status line as received, without its line end. */
        public String statusLine() {
            return statusLine;
        }

        /** The response headers. */
        public Headers headers() {
            return headers;
        }

        /** Whether the body was sent with {@code Transfer-Encoding: chunked}. */
        public boolean chunked() {
            return framing == Framing.CHUNKED;
        }

        /** Whether the whole body has been read. */
        public boolean ended() {
            return ended;
        }

        /**
         * The next piece of the body: one chunk's data for a chunked body, otherwise what one read returns.
         * Null once the body has ended.
         *
         * @param timeout how long to wait for the piece
         * @throws SocketTimeoutException if nothing arrives in time
         */
        public byte[] readChunk(Duration timeout) throws IOException {
            if (ended) {
                return null;
            }
            socket.setSoTimeout(Math.max(1, (int) timeout.toMillis()));
            return switch (framing) {
                case CHUNKED -> nextChunk();
                case LENGTH -> nextBytes((int) Math.min(remaining, 8192));
                case UNTIL_CLOSE -> nextBytes(8192);
                case NONE -> null;
            };
        }

        /**
         * Reads the rest of the body.
         *
         * @param timeout bound for the whole body, not for each read
         * @throws SocketTimeoutException if the body has not ended in time
         */
        public byte[] readBody(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("the body did not end within " + timeout);
                }
                byte[] piece = readChunk(Duration.ofNanos(Math.max(left, 1_000_000)));
                if (piece != null) {
                    body.writeBytes(piece);
                }
            }
            return body.toByteArray();
        }

        /** Closes the sending direction only (a TCP half-close); responses can still be read. */
        public void halfClose() throws IOException {
            socket.shutdownOutput();
        }

        /** Closes the connection, as a client that goes away does. */
        @Override
        public void close() throws IOException {
            socket.close();
        }

        private Framing framing(String method) throws IOException {
            if ("HEAD".equals(method) || status / 100 == 1 || status == 204 || status == 304) {
                return Framing.NONE;
            }
            String transferEncoding = headers.first("Transfer-Encoding");
            if (transferEncoding != null) {
                if (!transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                    throw new IOException("unsupported Transfer-Encoding: " + transferEncoding);
                }
                return Framing.CHUNKED;
            }
            String length = headers.first("Content-Length");
            if (length != null) {
                remaining = Long.parseLong(length);
                return Framing.LENGTH;
            }
            return Framing.UNTIL_CLOSE;
        }

        private byte[] nextChunk() throws IOException {
            String sizeLine = readLine();
            int extension = sizeLine.indexOf(';');
            String size = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).strip();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                // Trailer fields, if any, end with an empty line.
                while (!readLine().isEmpty()) {
                    // skipped
                }
                ended = true;
                return null;
            }
            byte[] data = in.readNBytes(length);
            if (data.length < length) {
                throw new EOFException("connection closed inside a chunk");
            }
            if (!readLine().isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
            return data;
        }

        private byte[] nextBytes(int max) throws IOException {
            byte[] buffer = new byte[max];
            int read = in.read(buffer);
            if (read < 0) {
                if (framing == Framing.LENGTH) {
                    throw new EOFException("connection closed with " + remaining + " body bytes missing");
                }
                ended = true;
                return null;
            }
            if (framing == Framing.LENGTH) {
                remaining -= read;
                ended = remaining == 0;
            }
            byte[] piece = new byte[read];
            System.arraycopy(buffer, 0, piece, 0, read);
            return piece;
        }

        /** A line of the head or of the chunk framing, ended by CRLF (or a bare LF), as ISO-8859-1. */
        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("connection closed in the middle of a line: " + line);
                }
                line.write(b);
            }
            byte[] bytes = line.toByteArray();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
