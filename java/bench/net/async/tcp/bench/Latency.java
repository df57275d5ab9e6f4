/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import org.HdrHistogram.Histogram;

/**
 * Request-reply latency: one user thread sends a message and blocks for its echo, over and over.
 * The clients compared talk to the same raw-Netty echo server: net.async with default
 * (unbuffered) channels and {@code >!!}/{@code <!!}, and a blocking raw-Netty client whose
 * handler hands each reply to the user thread through a queue. {@link #asyncBothEnds} also puts
 * net.async on the server side, where a user thread echoes.
 *
 * <h3>Threading</h3>
 * Every method blocks the caller, the user thread of the measurement.
 */
final class Latency {
    private static final long TIMEOUT_SECONDS = 5;

    private Latency() {
    }

    interface RoundTrip {
        void run(int seq) throws Exception;
    }

    /** Round-trip times in nanoseconds of {@code count} round trips after {@code warmup}, within {@code maxNanos}. */
    static Histogram measure(int warmup, int count, long maxNanos, RoundTrip roundTrip) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long deadline = System.nanoTime() + maxNanos;
        for (int seq = 0; seq < warmup + count && System.nanoTime() < deadline; seq++) {
            long start = System.nanoTime();
            roundTrip.run(seq);
            if (seq >= warmup) {
                histogram.recordValue(System.nanoTime() - start);
            }
        }
        return histogram;
    }

    static Histogram asyncClient(int port, int size, int warmup, int count, long maxNanos) throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); Watchdog watchdog = Watchdog.after(maxNanos, loop)) {
            ClientSocket client = Tcp.connect(loop, "127.0.0.1", port, ConnectOptions.defaults());
            return measure(warmup, count, maxNanos, seq -> {
                Async.put(client.writeChan(), Messages.make(size, seq));
                byte[] reply = Async.takeBytes(client.readChan());
                if (reply == null) {
                    throw new IllegalStateException("read-chan closed");
                }
                Messages.check(reply, seq);
            });
        }
    }

    static Histogram nettyClient(int port, int size, int warmup, int count, long maxNanos) throws Exception {
        EventLoopGroup group = RawNetty.group("bench-netty-client");
        try {
            BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
            Channel client = RawNetty.client(group, ch -> ch.pipeline().addLast(RawNetty.decoder(),
                    RawNetty.encoder(), new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                            replies.add(ByteBufUtil.getBytes(frame));
                        }
                    })).connect("127.0.0.1", port).syncUninterruptibly().channel();
            Histogram histogram = measure(warmup, count, maxNanos, seq -> {
                client.writeAndFlush(Messages.make(size, seq), client.voidPromise());
                byte[] reply = replies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (reply == null) {
                    throw new IllegalStateException("no reply in " + TIMEOUT_SECONDS + " s");
                }
                Messages.check(reply, seq);
            });
            client.close().syncUninterruptibly();
            return histogram;
        } finally {
            RawNetty.shutdown(group);
        }
    }

    /** net.async on both ends: the server's user thread takes each request and puts it back. */
    static Histogram asyncBothEnds(int size, int warmup, int count, long maxNanos) throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop();
             Watchdog watchdog = Watchdog.after(maxNanos, serverLoop, clientLoop)) {
            AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, AcceptOptions.defaults());
            Thread echo = new Thread(() -> {
                Object accepted = Async.take(server.acceptChan());
                for (byte[] request; (request = Async.takeBytes(Async.readChan(accepted))) != null; ) {
                    Async.put(Async.writeChan(accepted), request);
                }
            }, "bench-async-echo");
            echo.setDaemon(true);
            echo.start();
            return asyncClient(server.port(), size, warmup, count, maxNanos);
        }
    }
}
