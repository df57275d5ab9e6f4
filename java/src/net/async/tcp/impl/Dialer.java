/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;

/**
 * Opens client links to one remote address. A TCP address stays unresolved, so every attempt
 * looks the host up afresh, off the event loop ({@link OffLoopResolver}), and an unknown host
 * fails like a refused connection. A Unix domain socket is dialed by its path.
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop (the failure count); the rest is immutable.
 */
final class Dialer {
    private final Bootstrap bootstrap;
    private final Remote remote;
    private final SocketAddress address;
    private final ReconnectPolicy policy;
    private int failures;

    Dialer(Transport transport, EventLoop loop, Remote remote, ReconnectPolicy policy, int connectTimeoutMillis,
           ChannelHandler initializer) {
        this.remote = remote;
        this.address = remote.toDialAddress(transport);
        this.policy = policy;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.channel(remote))
                .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .option(ChannelOption.RCVBUF_ALLOCATOR, Transport.READ_SIZES)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(initializer);
        if (!remote.isUnix()) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true).resolver(OffLoopResolver.GROUP);
        }
    }

    /**
     * TLS from the client's side. Over TCP the server's certificate must name the host dialed;
     * a Unix socket has no host name to check, so only the certificate's trust is.
     */
    SslHandler newTlsHandler(SslContext context, ByteBufAllocator alloc) {
        return remote.isUnix() ? Tls.clientHandlerWithoutHost(context, alloc)
                : Tls.clientHandler(context, alloc, remote.host(), remote.port());
    }

    ChannelFuture dial() {
        return bootstrap.connect(address);
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
        return remote.toString();
    }
}
