/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;

/**
 * Opens client links to one remote address. The address stays unresolved, so every attempt looks
 * the host up afresh, off the event loop ({@link OffLoopResolver}), and an unknown host fails
 * like a refused connection.
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop (the failure count); the rest is immutable.
 */
final class Dialer {
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final ReconnectPolicy policy;
    private int failures;

    Dialer(Reactor reactor, String host, int port, ReconnectPolicy policy, int connectTimeoutMillis,
           ChannelHandler initializer) {
        this.remote = InetSocketAddress.createUnresolved(host, port);
        this.policy = policy;
        this.bootstrap = new Bootstrap()
                .group(reactor.loop())
                .channel(reactor.transport().socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .resolver(OffLoopResolver.GROUP)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(initializer);
    }

    SslHandler newTlsHandler(SslContext context, ByteBufAllocator alloc) {
        return Tls.clientHandler(context, alloc, remote.getHostString(), remote.getPort());
    }

    ChannelFuture dial() {
        return bootstrap.connect(remote);
    }

    /** A link came up: the next loss starts the backoff from the first period again. */
    void connected() {
        failures = 0;
    }

    /** Counts one more loss or failed dial and says how long to wait before the next dial. */
    long nextDelayMillis() {
        failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
        return policy.delayMillis(failures);
    }

    @Override
    public String toString() {
        return remote.getHostString() + ":" + remote.getPort();
    }
}
