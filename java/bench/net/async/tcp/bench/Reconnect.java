/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Keywords;

/**
 * Reconnect time: a raw-Netty echo server is stopped (listener and links closed) and started again
 * on the same port; the figure is the mean time from the restart until a message sent by the
 * reconnecting client has come back. Both clients redial every {@value #PERIOD_MILLIS} ms, so
 * about half a period is the expected wait: net.async (its reconnect-period) and a raw-Netty client
 * that schedules the next connect on its loop after a failure or a lost link.
 *
 * <h3>Threading</h3>
 * Every method blocks the caller, the user thread; handlers run on their loops.
 */
final class Reconnect {
    static final long PERIOD_MILLIS = 100;
    private static final int SIZE = 128;
    private static final long TIMEOUT_SECONDS = 5;

    private Reconnect() {
    }

    /** A server that can stop and start again on the same port. */
    private static final class Server implements AutoCloseable {
        private final EventLoopGroup group = RawNetty.group("bench-reconnect-server");
        private final ChannelGroup links = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        private Channel listener;
        private int port;

        void start() {
            listener = RawNetty.server(group, port, ch -> {
                links.add(ch);
                RawNetty.echo(ch);
            });
            port = RawNetty.port(listener);
        }

        void stop() {
            listener.close().syncUninterruptibly();
            links.close().syncUninterruptibly();
        }

        @Override
        public void close() {
            RawNetty.shutdown(group);
        }
    }

    static double async(int cycles, long maxNanos) throws Exception {
        try (Server server = new Server(); EventLoop loop = Tcp.eventLoop();
             Watchdog watchdog = Watchdog.after(maxNanos, loop)) {
            server.start();
            ClientSocket client = Tcp.connect(loop, "127.0.0.1", server.port,
                    ConnectOptions.builder().reconnectPeriodMillis(PERIOD_MILLIS).build());
            echo(client, 0);
            long total = 0;
            for (int cycle = 1; cycle <= cycles; cycle++) {
                server.stop();
                for (Object event; (event = Async.take(client.readChan())) != Keywords.DISCONNECTED; ) {
                    if (event == null) {
                        throw new IllegalStateException("read-chan closed");
                    }
                }
                long start = System.nanoTime();
                server.start();
                echo(client, cycle);
                total += System.nanoTime() - start;
            }
            return total / 1e6 / cycles;
        }
    }

    private static void echo(ClientSocket client, int seq) {
        Async.put(client.writeChan(), Messages.make(SIZE, seq));
        byte[] reply = Async.takeBytes(client.readChan());
        if (reply == null) {
            throw new IllegalStateException("read-chan closed");
        }
        Messages.check(reply, seq);
    }

    static double netty(int cycles) throws Exception {
        EventLoopGroup group = RawNetty.group("bench-reconnect-client");
        try (Server server = new Server()) {
            server.start();
            BlockingQueue<Channel> links = new LinkedBlockingQueue<>();
            BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
            Bootstrap bootstrap = RawNetty.client(group, ch -> ch.pipeline().addLast(RawNetty.decoder(),
                    RawNetty.encoder(), new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            links.add(ctx.channel());
                        }

                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                            replies.add(ByteBufUtil.getBytes(frame));
                        }
                    })).remoteAddress("127.0.0.1", server.port);
            dial(bootstrap);
            Channel link = echo(links, replies, 0);
            long total = 0;
            for (int cycle = 1; cycle <= cycles; cycle++) {
                server.stop();
                link.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                long start = System.nanoTime();
                server.start();
                link = echo(links, replies, cycle);
                total += System.nanoTime() - start;
            }
            link.close().syncUninterruptibly();
            return total / 1e6 / cycles;
        } finally {
            RawNetty.shutdown(group);
        }
    }

    /** Connects, and on a failed attempt or a lost link dials again after the period. */
    private static void dial(Bootstrap bootstrap) {
        bootstrap.connect().addListener((ChannelFutureListener) f -> {
            Channel ch = f.channel();
            if (f.isSuccess()) {
                ch.closeFuture().addListener(closed -> redial(bootstrap, ch));
            } else {
                redial(bootstrap, ch);
            }
        });
    }

    private static void redial(Bootstrap bootstrap, Channel previous) {
        if (!previous.eventLoop().isShuttingDown()) {
            previous.eventLoop().schedule(() -> dial(bootstrap), PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static Channel echo(BlockingQueue<Channel> links, BlockingQueue<byte[]> replies, int seq)
            throws InterruptedException {
        Channel link = links.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (link == null) {
            throw new IllegalStateException("not reconnected in " + TIMEOUT_SECONDS + " s");
        }
        link.writeAndFlush(Messages.make(SIZE, seq), link.voidPromise());
        byte[] reply = replies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (reply == null) {
            throw new IllegalStateException("no reply in " + TIMEOUT_SECONDS + " s");
        }
        Messages.check(reply, seq);
        return link;
    }
}
