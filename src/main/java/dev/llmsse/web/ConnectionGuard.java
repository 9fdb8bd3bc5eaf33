package dev.llmsse.web;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.netty.NettyPipeline;

/**
 * What Reactor Netty does not bound by itself (issue 18, slowloris): the time a client takes to send a
 * request's headers, and the number of connections the process holds.
 *
 * <ul>
 * <li>The header deadline starts with a request's first byte and ends when the codec has decoded its head;
 *     past {@code gateway.http.header-timeout} the connection is closed. A client that trickles one byte every
 *     few seconds defeats an idle timeout, never this one. (Idle connections and slow bodies are Reactor
 *     Netty's {@code idleTimeout} and {@code requestTimeout}.)</li>
 * <li>Past {@code gateway.http.max-connections} a new connection is closed at once. The last
 *     {@code health-connections} of them serve only {@code /actuator/health}, with 503 for anything else, so
 *     that probes still get through while clients hold every other connection.</li>
 * </ul>
 */
final class ConnectionGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final String HEALTH = "/actuator/health";

    private final AtomicInteger open = new AtomicInteger();
    private final int maxConnections;
    private final int generalConnections;
    private final long headerTimeoutNanos;

    ConnectionGuard(HttpServerProperties properties) {
        this.maxConnections = properties.maxConnections();
        this.generalConnections = properties.maxConnections() - properties.healthConnections();
        this.headerTimeoutNanos = properties.headerTimeout().toNanos();
    }

    /** Counts the connection, and closes it or watches its requests. */
    void install(Channel channel) {
        int count = open.incrementAndGet();
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        if (count > maxConnections) {
            LOG.debug("connection refused: {} open, gateway.http.max-connections={}", count - 1, maxConnections);
            channel.config().setAutoRead(false);
            channel.close();
            return;
        }
        if (channel.pipeline().get(NettyPipeline.HttpCodec) == null) {
            return;
        }
        Watch watch = new Watch(count > generalConnections);
        channel.pipeline().addBefore(NettyPipeline.HttpCodec, "gateway.requestStart", watch.bytes);
        channel.pipeline().addAfter(NettyPipeline.HttpCodec, "gateway.requestHead", watch.heads);
    }

    /** Connections open now, for the {@code gateway.http.connections} gauge. */
    int open() {
        return open.get();
    }

    /** One connection's state, seen by a handler before the HTTP codec (bytes) and one after it (messages). */
    private final class Watch {

        private final boolean healthOnly;
        private boolean awaitingHead = true;
        private boolean refused;
        private ScheduledFuture<?> deadline;

        final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (awaitingHead && deadline == null && msg instanceof ByteBuf) {
                    deadline = ctx.executor().schedule(() -> {
                        LOG.debug("closing a connection whose request head took longer than {} ms",
                                TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos));
                        ctx.channel().close();
                    }, headerTimeoutNanos, TimeUnit.NANOSECONDS);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancelDeadline();
                ctx.fireChannelInactive();
            }
        };

        final ChannelDuplexHandler heads = new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (refused) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (msg instanceof HttpRequest request) {
                    cancelDeadline();
                    awaitingHead = false;
                    if (healthOnly && !request.uri().startsWith(HEALTH)) {
                        refused = true;
                        ReferenceCountUtil.release(msg);
                        refuse(ctx);
                        return;
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof LastHttpContent) {
                    // The response is out: the next bytes start the next request's head.
                    awaitingHead = true;
                }
                ctx.write(msg, promise);
            }
        };

        Watch(boolean healthOnly) {
            this.healthOnly = healthOnly;
        }

        private void cancelDeadline() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        private void refuse(ChannelHandlerContext ctx) {
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.SERVICE_UNAVAILABLE);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.RETRY_AFTER, 1);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
