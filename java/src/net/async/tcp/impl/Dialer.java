/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;

/**
 * Opens client links to one remote address. The address stays unresolved, so every attempt looks
 * the host up afresh and an unknown host fails like a refused connection.
 *
 * <h3>Threading</h3>
 * Immutable after construction; {@link #dial} runs on the connection's event loop.
 */
final class Dialer {
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final long reconnectPeriodMillis;

    Dialer(Reactor reactor, String host, int port, long reconnectPeriodMillis, ChannelHandler initializer) {
        this.remote = InetSocketAddress.createUnresolved(host, port);
        this.reconnectPeriodMillis = reconnectPeriodMillis;
        this.bootstrap = new Bootstrap()
                .group(reactor.loop())
                .channel(reactor.transport().socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(initializer);
    }

    ChannelFuture dial() {
        return bootstrap.connect(remote);
    }

    /** One place for the delay, so a backoff policy can replace the fixed period later. */
    long reconnectDelayMillis() {
        return reconnectPeriodMillis;
    }

    @Override
    public String toString() {
        return remote.getHostString() + ":" + remote.getPort();
    }
}
