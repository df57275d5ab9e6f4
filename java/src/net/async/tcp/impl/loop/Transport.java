/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.loop;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * The Netty transport: native epoll where the platform has it, NIO elsewhere. The system property
 * {@code net.async.transport=nio} forces NIO.
 *
 * <h2>Threading</h2>
 * Immutable.
 */
public enum Transport {
    /** Native epoll, Linux only. */
    EPOLL,
    /** Java NIO, everywhere. */
    NIO;

    /**
     * Netty's pooled allocator rather than 4.2's adaptive default, whose first chunk registers a
     * JFR event on the event loop: a stall of up to seconds on a loaded machine at the first write.
     */
    public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    /**
     * Reads sized by what the last ones brought, as Netty's default, but up to 256 KiB rather
     * than 64 KiB: a 64 KiB message then arrives in one read rather than two, and the decoder
     * copies each byte once however large the read. A read buffer lives only until decoded.
     */
    public static final RecvByteBufAllocator READ_SIZES = new AdaptiveRecvByteBufAllocator(64, 2048, 256 * 1024);

    /** {@return {@link #EPOLL} where available and not turned off by the system property, else {@link #NIO}} */
    public static Transport best() {
        if ("nio".equalsIgnoreCase(System.getProperty("net.async.transport"))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** The channel class of a client link to {@code remote}: a TCP socket, or a Unix domain socket. */
    public Class<? extends Channel> channel(Remote remote) {
        if (remote.isUnix()) {
            return this == EPOLL ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
        }
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The channel class of a listening socket at {@code local}. */
    public Class<? extends ServerChannel> serverChannel(Remote local) {
        if (local.isUnix()) {
            return this == EPOLL ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
        }
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** A Unix domain socket's address, in the type each transport takes. */
    public SocketAddress unixAddress(Path path) {
        return this == EPOLL ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }
}
