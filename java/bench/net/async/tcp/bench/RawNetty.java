/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The reference: plain Netty as a careful user writes it, with net.async's wire format (4-byte
 * big-endian length, then the payload) and the same transport and socket options (epoll where
 * available, TCP_NODELAY), one thread per event loop group unless asked for more. No core.async
 * anywhere.
 *
 * <h3>Threading</h3>
 * Stateless helpers; the handlers they install run on their channel's event loop.
 */
final class RawNetty {
    static final boolean EPOLL = Epoll.isAvailable() && !"nio".equalsIgnoreCase(System.getProperty("net.async.transport"));

    private RawNetty() {
    }

    static EventLoopGroup group(String name) {
        return group(name, 1);
    }

    /** A group of {@code threads} threads, named {@code name-<pool>-<n>}; channels are dealt to them in turn. */
    static EventLoopGroup group(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    static void shutdown(EventLoopGroup... groups) {
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        for (EventLoopGroup group : groups) {
            group.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Splits frames and strips the header: each frame reaches the next handler as a ByteBuf payload. */
    static ChannelHandler decoder() {
        return new LengthFieldBasedFrameDecoder(Integer.MAX_VALUE, 0, 4, 0, 4);
    }

    /** Writes a {@code byte[]} as one frame, header and payload in one pooled buffer. */
    static ChannelHandler encoder() {
        return ENCODER;
    }

    private static final ChannelHandler ENCODER = new Encoder();

    @ChannelHandler.Sharable
    private static final class Encoder extends MessageToByteEncoder<byte[]> {
        Encoder() {
            super(byte[].class);
        }

        @Override
        protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, byte[] payload, boolean preferDirect) {
            return ctx.alloc().ioBuffer(4 + payload.length);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, byte[] payload, ByteBuf out) {
            out.writeInt(payload.length).writeBytes(payload);
        }
    }

    /** One frame, header and payload in one pooled buffer, payload = sequence number then zeros. */
    static ByteBuf frame(ByteBufAllocator alloc, int size, int seq) {
        ByteBuf frame = alloc.ioBuffer(4 + size);
        return frame.writeInt(size).writeInt(seq).writeZero(size - 4);
    }

    /** Binds {@code port} (0: any) on loopback; each accepted channel gets {@code init}. */
    static Channel server(EventLoopGroup group, int port, Consumer<Channel> init) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer(init));
        return bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
    }

    static Bootstrap client(EventLoopGroup group, Consumer<Channel> init) {
        return new Bootstrap()
                .group(group)
                .channel(socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(initializer(init));
    }

    static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerSocketChannel> serverSocketChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** An echo server on loopback, on an event loop group of its own. */
    record EchoServer(EventLoopGroup group, Channel channel) implements AutoCloseable {
        static EchoServer start() {
            EventLoopGroup group = RawNetty.group("bench-netty-echo");
            return new EchoServer(group, server(group, 0, RawNetty::echo));
        }

        int port() {
            return RawNetty.port(channel);
        }

        @Override
        public void close() {
            shutdown(group);
        }
    }

    /** An echo server's child pipeline: every frame goes back as it came, flushed once per read. */
    static void echo(Channel child) {
        child.pipeline().addLast(new LengthFieldBasedFrameDecoder(Integer.MAX_VALUE, 0, 4, 0, 0),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.write(msg, ctx.voidPromise());
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
    }

    private static ChannelInitializer<Channel> initializer(Consumer<Channel> init) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                init.accept(ch);
            }
        };
    }
}
