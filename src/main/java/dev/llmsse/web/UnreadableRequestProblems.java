package dev.llmsse.web;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Requests the application never sees get empty answers from below it: a request line over
 * {@code server.netty.max-initial-line-length} (4 KB: a {@code GET /api/llm} prompt of some 4,000 characters)
 * or a header block over {@code server.max-http-request-header-size} gets Reactor Netty's empty 414 or 431,
 * a malformed request its empty 400, and a target that is no URI ({@code %zz}) an empty 400 from Spring's
 * Reactor Netty adapter. This handler, just after the HTTP codec, gives those answers the problem body every
 * other error has ({@code code: too_large} or {@code bad_request}); a response with a body passes unchanged
 * (every other error of the gateway has one). There is no {@code instance}: the request's path was not read.
 */
@Component
class UnreadableRequestProblems implements NettyServerCustomizer {

    private static final String NAME = "llmsse.unreadableRequestProblems";

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new Handler());
            }
        });
    }

    /** Replaces the empty 400, 414 and 431 responses; stateless, but one per channel for simplicity. */
    static final class Handler extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof FullHttpResponse response && response.content().readableBytes() == 0) {
                String detail = detail(response.status());
                if (detail != null) {
                    FullHttpResponse problem = problem(response, detail);
                    response.release();
                    ctx.write(problem, promise);
                    return;
                }
            }
            super.write(ctx, msg, promise);
        }

        private static String detail(HttpResponseStatus status) {
            if (status.code() == HttpResponseStatus.REQUEST_URI_TOO_LONG.code()) {
                return "the request line is too long; send long prompts in the body of POST /api/sessions";
            }
            if (status.code() == HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.code()) {
                return "the request headers are too large";
            }
            if (status.code() == HttpResponseStatus.BAD_REQUEST.code()) {
                // The decoder's answer to a malformed request, or Spring's adapter's to a target that is
                // not a URI ("%zz"): every 400 of the application itself has a body.
                return "the request could not be read";
            }
            return null;
        }

        private static String code(HttpResponseStatus status) {
            return status.code() == HttpResponseStatus.BAD_REQUEST.code() ? "bad_request" : "too_large";
        }

        private static FullHttpResponse problem(FullHttpResponse empty, String detail) {
            HttpResponseStatus status = empty.status();
            // Our own constant texts only: nothing of the request is echoed.
            String title = org.springframework.http.HttpStatus.valueOf(status.code()).getReasonPhrase();
            String json = "{\"title\":\"" + title + "\",\"status\":" + status.code()
                    + ",\"detail\":\"" + detail + "\",\"code\":\"" + code(status) + "\"}";
            ByteBuf body = Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
            FullHttpResponse problem = new DefaultFullHttpResponse(empty.protocolVersion(), status, body);
            problem.headers().set(empty.headers());
            problem.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
            problem.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            return problem;
        }
    }
}
