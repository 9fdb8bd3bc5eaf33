package dev.llmsse.bench;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One SSE stream of the load client: a connection, one {@code GET} (or a {@code POST} of a JSON body, for the
 * gateway's front doors), and the events read from it. Everything
 * runs on the connection's event loop, and all times are taken once per read with {@link System#nanoTime()}.
 *
 * <p>Time to first token is measured from the start of the connect; every gap between two token events of
 * the stream is recorded (tokens that arrive in the same read are recorded as a zero gap: coalescing shows).
 */
final class ClientStream extends ChannelInboundHandlerAdapter implements SseScanner.Listener {

    private final Phase phase;
    /** Paired mode: a stream of the alternate route, recorded in that route's stats. */
    private final boolean alt;
    private final long rid;
    private final String path;
    private final String hostHeader;
    private final byte[] body;
    private final SseScanner scanner = new SseScanner(this);
    private EventLoop loop;
    private PhaseStats stats;
    private Channel channel;
    private long start;
    private long now;
    private long lastToken;
    private long lastRead;
    private long bytes;
    private int tokens;
    private int heartbeats;
    private boolean headers;
    private boolean done;
    private boolean errorFrame;
    private boolean finished;
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> dropTimer;

    /** A stream read with {@code GET path}, or with {@code POST path} of {@code body} (JSON) when it is not null. */
    ClientStream(Phase phase, boolean alt, long rid, String path, String hostHeader, byte[] body) {
        this.phase = phase;
        this.alt = alt;
        this.rid = rid;
        this.path = path;
        this.hostHeader = hostHeader;
        this.body = body;
    }

    /** Called on {@code loop} before the connect starts. */
    void started(EventLoop loop) {
        this.loop = loop;
        this.stats = phase.stats(loop, alt);
        this.start = System.nanoTime();
        stats.started++;
        stats.firstStartNanos = Math.min(stats.firstStartNanos, start);
        timeout = loop.schedule(() -> {
            if (!finished) {
                finish("timeout");
                if (channel != null) {
                    channel.close();
                }
            }
        }, phase.streamTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Called on the loop when the connect failed. */
    void connectFailed(Throwable cause) {
        if (!finished) {
            finish("connect: " + cause.getClass().getSimpleName());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        FullHttpRequest request = body == null
                ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER)
                : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(body));
        if (body != null) {
            request.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.USER_AGENT, "llmsse-bench");
        ctx.writeAndFlush(request);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        now = System.nanoTime();
        lastRead = now;
        try {
            if (finished) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                PhaseStats.record(stats.headersMicros, now - start);
                headers = true;
                int status = response.status().code();
                if (status != 200) {
                    finish("status " + status);
                    ctx.close();
                    return;
                }
                if (phase.dropAfter == 0) {
                    dropTimer = loop.schedule(this::drop, phase.dropDelayNanos, TimeUnit.NANOSECONDS);
                }
            }
            if (msg instanceof HttpContent content) {
                bytes += content.content().readableBytes();
                content.content().forEachByte(scanner);
                if (!finished && msg instanceof LastHttpContent) {
                    finish(errorFrame ? "error frame" : done ? null : "ended without terminal event");
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onEvent(SseScanner.Kind kind) {
        if (finished) {
            return;
        }
        switch (kind) {
            case TOKEN -> token();
            case PING -> {
                stats.heartbeats++;
                heartbeats++;
            }
            case DONE -> done = true;
            case ERROR -> errorFrame = true;
            default -> {
            }
        }
    }

    private void token() {
        tokens++;
        stats.tokens++;
        phase.client.tokenEvents.increment();
        if (tokens == 1) {
            PhaseStats.record(stats.ttftMicros, now - start);
        } else {
            PhaseStats.record(stats.gapMicros, now - lastToken);
        }
        lastToken = now;
        if (phase.dropAfter > 0 && tokens >= phase.dropAfter) {
            drop();
        }
    }

    /** Closes the connection as a browser tab would, and records when. */
    private void drop() {
        if (finished || channel == null) {
            return;
        }
        long closedAt = System.nanoTime();
        channel.close();
        stats.dropped++;
        stats.drops.add(new long[] {rid, closedAt, tokens});
        finish("");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            if (phase.client.aborting) {
                finish("unfinished at the time limit, " + (!headers ? "no response headers"
                        : tokens == 0 ? "no token yet" : "mid-stream"));
                phase.client.unfinished(String.format(
                        "rid %d: %d tokens, %d heartbeats, %d bytes, last read %.1f s ago, opened %.1f s ago",
                        rid, tokens, heartbeats, bytes, lastRead == 0 ? -1 : (System.nanoTime() - lastRead) / 1e9,
                        (System.nanoTime() - start) / 1e9));
            } else {
                finish(errorFrame ? "error frame" : done ? null : "closed before the end");
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!finished) {
            finish("exception: " + cause.getClass().getSimpleName());
        }
        ctx.close();
    }

    /** @param error null for a completed stream, "" for a dropped one, otherwise the kind of error */
    private void finish(String error) {
        finished = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (dropTimer != null) {
            dropTimer.cancel(false);
        }
        long end = System.nanoTime();
        stats.lastEndNanos = Math.max(stats.lastEndNanos, end);
        stats.openNanos += end - start;
        if (error == null) {
            stats.completed++;
        } else if (!error.isEmpty()) {
            stats.error(error);
        }
        phase.streamEnded(loop, error != null && !error.isEmpty());
    }
}
