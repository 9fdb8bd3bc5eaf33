package dev.llmsse.web;

import dev.llmsse.stream.ClientConnection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;

import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

import reactor.netty.http.server.HttpServerResponse;

/** A client's connection as the stream core sees it, on Reactor Netty's channel. */
final class NettyClientConnection implements ClientConnection {

    private final Channel channel;

    private NettyClientConnection(Channel channel) {
        this.channel = channel;
    }

    /** The connection under {@code response}, or {@link ClientConnection#NONE} on another server. */
    static ClientConnection of(ServerHttpResponse response) {
        Object nativeResponse;
        try {
            nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        } catch (IllegalArgumentException notNetty) {
            return ClientConnection.NONE;
        }
        if (!(nativeResponse instanceof HttpServerResponse netty)) {
            return ClientConnection.NONE;
        }
        Channel[] channel = new Channel[1];
        netty.withConnection(connection -> channel[0] = connection.channel());
        return channel[0] == null ? ClientConnection.NONE : new NettyClientConnection(channel[0]);
    }

    @Override
    public long unsentBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        // Null once the channel is closed: nothing can be waiting then.
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    public boolean sentWithin(long millis) {
        // TCP_INFO's last data sent: new data leaves only into a window the client opened by reading.
        return channel instanceof EpollSocketChannel epoll && channel.isOpen()
                && epoll.tcpInfo().lastDataSent() < millis;
    }

    @Override
    public void reset() {
        channel.eventLoop().execute(() -> {
            if (channel.isOpen()) {
                // Linger 0: close() sends a RST instead of a FIN, so the client cannot read a cut body as complete.
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
            }
        });
    }
}
