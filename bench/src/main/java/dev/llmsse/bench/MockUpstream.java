package dev.llmsse.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * A mock LLM provider that streams OpenAI Chat Completions and Anthropic Messages answers, shaped per request,
 * and counts what happens to them. Plain Netty on one event loop thread (by default): no blocking, no JSON on
 * the per-token path, every token chunk pre-encoded once and written as a shared buffer.
 *
 * <pre>
 * POST|GET /v1/chat/completions   OpenAI streaming (data: {chunk} … usage chunk … data: [DONE])
 * POST|GET /v1/messages           Anthropic streaming (message_start … content_block_delta … message_stop)
 * GET      /stats                 counters as JSON (see {@link MockStats})
 * POST|GET /stats/reset           zero the counters
 * GET      /health                200 ok
 * </pre>
 *
 * The shape of each answer (tokens, inter-token delay, pause before the first token) is chosen per request,
 * see {@link Shape}. A request id for the cancellation measurement is taken from the query parameter
 * {@code rid} or, failing that, from the first {@code rid=<digits>} anywhere in the request body (the load
 * client puts it in the prompt, which the gateway forwards in the body).
 *
 * <p>Usage: {@code java -cp bench.jar dev.llmsse.bench.MockUpstream [--host 127.0.0.1] [--port 0]
 * [--port-file f] [--threads 1] [--tokens 100] [--delay-ms 20] [--first-ms 0]}
 */
public final class MockUpstream {

    private final MockStats stats = new MockStats();
    private final Shape defaults;
    private final EventLoopGroup group;
    private final Channel server;

    MockUpstream(String host, int port, int threads, Shape defaults) throws InterruptedException {
        this.defaults = defaults;
        this.group = Transport.group(threads);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 8192)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new HttpRequestDecoder())
                                .addLast(new MockConnection(stats, MockUpstream.this.defaults));
                    }
                });
        this.server = bootstrap.bind(host, port).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    MockStats stats() {
        return stats;
    }

    /** Bounded: a shutdown hook must not wait forever (seen: the group's termination never signalled). */
    void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Shape defaults = new Shape(args.integer("tokens", 100),
                Shape.millisToNanos(args.number("delay-ms", 20)), Shape.millisToNanos(args.number("first-ms", 0)));
        int threads = args.integer("threads", 1);
        MockUpstream mock = new MockUpstream(args.string("host", "127.0.0.1"), args.integer("port", 0), threads,
                defaults);
        String portFile = args.string("port-file", null);
        if (portFile != null) {
            Files.writeString(Path.of(portFile), Integer.toString(mock.port()), StandardCharsets.US_ASCII);
        }
        System.out.printf("mock upstream listening on %s:%d (%s, %d event loop thread%s, pid %d)%n",
                args.string("host", "127.0.0.1"), mock.port(), Transport.name(), threads, threads == 1 ? "" : "s",
                ProcessHandle.current().pid());
        Runtime.getRuntime().addShutdownHook(new Thread(mock::close));
        Thread.currentThread().join();
    }
}
