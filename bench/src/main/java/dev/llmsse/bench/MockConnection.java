package dev.llmsse.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * One client connection of the mock upstream: reads a request, then streams one answer on its event loop.
 * Responses are written as raw, pre-encoded bytes (status line, headers, chunks); there is no HTTP encoder in
 * the pipeline. Keep-alive is honoured, so pooled clients (nginx {@code keepalive}, the gateway's WebClient)
 * reuse connections; the stats show how many connections were opened.
 */
final class MockConnection extends ChannelInboundHandlerAdapter {

    private static final int MAX_BODY = 1 << 20;
    private static final JsonFactory JSON = new JsonFactory();

    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final String STREAM_HEADERS = "HTTP/1.1 200 OK\r\n"
            + "content-type: text/event-stream; charset=utf-8\r\n"
            + "cache-control: no-cache\r\n"
            + "x-mock-upstream: 1\r\n"
            + "transfer-encoding: chunked\r\n";
    private static final ByteBuf HEADERS_KEEP_ALIVE = constant(STREAM_HEADERS + "\r\n");
    private static final ByteBuf HEADERS_CLOSE = constant(STREAM_HEADERS + "connection: close\r\n\r\n");

    private final MockStats stats;
    private final Shape defaults;

    private HttpRequest request;
    private ByteBuf body;
    private boolean tooLarge;
    private Answer answer;

    MockConnection(MockStats stats, Shape defaults) {
        this.stats = stats;
        this.defaults = defaults;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stats.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest head) {
                startRequest(ctx, head);
            }
            if (msg instanceof HttpContent content && body != null) {
                if (body.readableBytes() + content.content().readableBytes() > MAX_BODY) {
                    tooLarge = true;
                } else {
                    body.writeBytes(content.content());
                }
            }
            if (msg instanceof LastHttpContent && request != null) {
                HttpRequest complete = request;
                request = null;
                handle(ctx, complete);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        long seen = System.nanoTime();
        if (answer != null) {
            answer.cancelled(seen);
            answer = null;
        }
        releaseBody();
        stats.connectionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset by the peer is how many clients cancel: channelInactive records it.
        ctx.close();
    }

    private void startRequest(ChannelHandlerContext ctx, HttpRequest head) {
        releaseBody();
        if (head.decoderResult().isFailure()) {
            stats.badRequests.increment();
            respond(ctx, 400, "text/plain", "bad request\n", false);
            return;
        }
        if (answer != null) {
            // One answer at a time per connection: HTTP/1.1 pipelining is not supported.
            stats.badRequests.increment();
            ctx.close();
            return;
        }
        request = head;
        body = ctx.alloc().heapBuffer(512);
        tooLarge = false;
        if (HttpUtil.is100ContinueExpected(head)) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
        }
    }

    private void handle(ChannelHandlerContext ctx, HttpRequest head) {
        boolean keepAlive = HttpUtil.isKeepAlive(head);
        QueryStringDecoder uri = new QueryStringDecoder(head.uri());
        String path = uri.path();
        if (tooLarge) {
            stats.badRequests.increment();
            respond(ctx, 413, "text/plain", "too large\n", false);
            return;
        }
        switch (path) {
            case "/v1/chat/completions" -> stream(ctx, head, uri.parameters(), WireFormat.OPENAI, keepAlive);
            case "/v1/messages" -> stream(ctx, head, uri.parameters(), WireFormat.ANTHROPIC, keepAlive);
            case "/stats" -> respond(ctx, 200, "application/json", stats.json(), keepAlive);
            case "/stats/reset" -> {
                stats.reset();
                respond(ctx, 200, "application/json", "{\"reset\":true}", keepAlive);
            }
            case "/health" -> respond(ctx, 200, "text/plain", "ok\n", keepAlive);
            default -> {
                stats.badRequests.increment();
                respond(ctx, 404, "application/json", "{\"error\":{\"message\":\"no route " + path + "\"}}",
                        keepAlive);
            }
        }
        releaseBody();
    }

    private void stream(ChannelHandlerContext ctx, HttpRequest head, Map<String, List<String>> query,
            WireFormat format, boolean keepAlive) {
        if (head.protocolVersion() != HttpVersion.HTTP_1_1) {
            // Chunked streaming needs HTTP/1.1 (nginx: proxy_http_version 1.1).
            stats.badRequests.increment();
            respond(ctx, 505, "text/plain", "HTTP/1.1 required\n", false);
            return;
        }
        if (head.method() != HttpMethod.GET && head.method() != HttpMethod.POST) {
            stats.badRequests.increment();
            respond(ctx, 405, "text/plain", "method not allowed\n", keepAlive);
            return;
        }
        String model = null;
        Integer maxTokens = null;
        int bodyLength = body.readableBytes();
        if (bodyLength > 0) {
            try (JsonParser parser = JSON.createParser(body.array(), body.arrayOffset() + body.readerIndex(),
                    bodyLength)) {
                if (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = parser.currentName();
                        JsonToken value = parser.nextToken();
                        if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
                            model = parser.getString();
                        } else if (("max_tokens".equals(name) || "max_completion_tokens".equals(name))
                                && value == JsonToken.VALUE_NUMBER_INT) {
                            maxTokens = parser.getIntValue();
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
            } catch (RuntimeException malformed) {
                stats.badRequests.increment();
                respond(ctx, 400, "application/json", "{\"error\":{\"message\":\"malformed JSON\"}}", keepAlive);
                return;
            }
        }
        Shape shape;
        try {
            shape = Shape.resolve(defaults, query, model, maxTokens);
        } catch (NumberFormatException bad) {
            stats.badRequests.increment();
            respond(ctx, 400, "text/plain", "bad shape: " + bad.getMessage() + "\n", keepAlive);
            return;
        }
        long rid = requestId(query, body);
        int promptTokens = bodyLength == 0 ? 9 : Math.max(1, bodyLength / 4);
        answer = new Answer(ctx, format, shape, rid, promptTokens, keepAlive);
        answer.begin();
    }

    /** The {@code rid} query parameter, else the first {@code rid=<digits>} in the body, else -1. */
    private static long requestId(Map<String, List<String>> query, ByteBuf body) {
        List<String> values = query.get("rid");
        if (values != null && !values.isEmpty()) {
            try {
                return Long.parseLong(values.get(0));
            } catch (NumberFormatException ignored) {
                return -1;
            }
        }
        int end = body.writerIndex();
        for (int i = body.readerIndex(); i + 4 < end; i++) {
            if (body.getByte(i) == 'r' && body.getByte(i + 1) == 'i' && body.getByte(i + 2) == 'd'
                    && body.getByte(i + 3) == '=') {
                long rid = 0;
                int j = i + 4;
                int digits = 0;
                while (j < end && digits < 18) {
                    byte b = body.getByte(j);
                    if (b < '0' || b > '9') {
                        break;
                    }
                    rid = rid * 10 + (b - '0');
                    j++;
                    digits++;
                }
                if (digits > 0) {
                    return rid;
                }
            }
        }
        return -1;
    }

    private void respond(ChannelHandlerContext ctx, int status, String type, String text, boolean keepAlive) {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\ncontent-type: " + type
                + "\r\ncontent-length: " + content.length + (keepAlive ? "" : "\r\nconnection: close") + "\r\n\r\n";
        ByteBuf out = ctx.alloc().buffer(head.length() + content.length);
        out.writeBytes(ascii(head)).writeBytes(content);
        if (keepAlive) {
            ctx.writeAndFlush(out);
        } else {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status";
        };
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static ByteBuf constant(String text) {
        byte[] bytes = ascii(text);
        return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    /** One streamed answer, driven by timers on the connection's event loop. */
    private final class Answer implements Runnable {

        private final ChannelHandlerContext ctx;
        private final WireFormat format;
        private final Shape shape;
        private final long rid;
        private final int promptTokens;
        private final boolean keepAlive;
        private final long start = System.nanoTime();
        private int sent;
        private boolean over;
        private ScheduledFuture<?> next;

        Answer(ChannelHandlerContext ctx, WireFormat format, Shape shape, long rid, int promptTokens,
                boolean keepAlive) {
            this.ctx = ctx;
            this.format = format;
            this.shape = shape;
            this.rid = rid;
            this.promptTokens = promptTokens;
            this.keepAlive = keepAlive;
        }

        void begin() {
            stats.streamStarted(format);
            // Headers go out at once, before the pause for the first token, as providers do.
            ctx.write((keepAlive ? HEADERS_KEEP_ALIVE : HEADERS_CLOSE).retainedDuplicate());
            ByteBuf preamble = format.preamble();
            if (preamble != null) {
                ctx.write(preamble);
            }
            ctx.flush();
            scheduleAt(start + shape.firstNanos());
        }

        /** Sends the next token (all of them at once when the delay is zero), or the tail after the last. */
        @Override
        public void run() {
            if (over) {
                return;
            }
            do {
                if (sent < shape.tokens()) {
                    if (sent == 0) {
                        ByteBuf prefix = format.firstPrefix();
                        if (prefix != null) {
                            ctx.write(prefix);
                        }
                    }
                    ctx.write(format.token(sent));
                    sent++;
                    stats.tokensSent.increment();
                }
                if (sent >= shape.tokens()) {
                    finish();
                    return;
                }
            } while (shape.delayNanos() == 0);
            ctx.flush();
            // Due times are absolute, so the pace does not drift with the timer's lateness.
            scheduleAt(start + shape.firstNanos() + sent * shape.delayNanos());
        }

        private void scheduleAt(long due) {
            next = ctx.executor().schedule(this, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        private void finish() {
            over = true;
            answer = null;
            stats.streamCompleted();
            ByteBuf tail = format.tail(ctx.alloc(), promptTokens, sent);
            if (keepAlive) {
                ctx.writeAndFlush(tail);
            } else {
                ctx.writeAndFlush(tail).addListener(ChannelFutureListener.CLOSE);
            }
        }

        void cancelled(long seenNanos) {
            if (over) {
                return;
            }
            over = true;
            if (next != null) {
                next.cancel(false);
            }
            stats.streamCancelled(rid, seenNanos, start, sent);
        }
    }
}
