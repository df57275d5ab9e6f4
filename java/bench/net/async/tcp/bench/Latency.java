/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.List;
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
 * Request-reply latency: one user thread sends a 128 B message and blocks for its echo, over and
 * over. The clients compared talk to the same raw-Netty echo server: net.async with default
 * (unbuffered) channels and {@code >!!}/{@code <!!}, and a blocking raw-Netty client whose handler
 * hands each reply to the user thread through a queue. {@link #asyncBothEnds} also puts net.async
 * on the server side, where a user thread echoes, optionally in session mode at both ends (a
 * session needs net.async on the other end too). The clients take turns in blocks of
 * {@value #BLOCK} round trips, so that they share the machine's noise.
 *
 * <h3>Threading</h3>
 * Every method is for the caller, the user thread of the measurement; handlers run on their loops.
 */
final class Latency {
    static final int BLOCK = 1000;
    private static final long TIMEOUT_SECONDS = 5;

    private Latency() {
    }

    /** One connected client; {@link #roundTrip} sends message {@code seq} and waits for its echo. */
    interface Client extends AutoCloseable {
        void roundTrip(int seq) throws Exception;
    }

    /** Round-trip times in nanoseconds per client, {@code count} each after {@code warmup}, within {@code maxNanos}. */
    static Histogram[] measure(List<Client> clients, int warmup, int count, long maxNanos) throws Exception {
        Histogram[] histograms = new Histogram[clients.size()];
        for (int i = 0; i < histograms.length; i++) {
            histograms[i] = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        }
        long deadline = System.nanoTime() + maxNanos;
        for (int block = 0; block < warmup + count && System.nanoTime() < deadline; block += BLOCK) {
            for (int i = 0; i < histograms.length; i++) {
                for (int seq = block; seq < block + BLOCK; seq++) {
                    long start = System.nanoTime();
                    clients.get(i).roundTrip(seq);
                    if (seq >= warmup) {
                        histograms[i].recordValue(System.nanoTime() - start);
                    }
                }
            }
        }
        return histograms;
    }

    static Client asyncClient(int port, int size) {
        return asyncClient(port, size, false);
    }

    static Client asyncClient(int port, int size, boolean session) {
        EventLoop loop = Tcp.eventLoop();
        ClientSocket client = Tcp.connect(loop, "127.0.0.1", port, ConnectOptions.builder().session(session).build());
        return new Client() {
            @Override
            public void roundTrip(int seq) {
                Async.put(client.writeChan(), Messages.make(size, seq));
                byte[] reply = Async.takeBytes(client.readChan());
                if (reply == null) {
                    throw new IllegalStateException("read-chan closed");
                }
                Messages.check(reply, seq);
            }

            @Override
            public void close() {
                loop.close();
            }
        };
    }

    static Client nettyClient(int port, int size) {
        EventLoopGroup group = RawNetty.group("bench-netty-client");
        BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
        Channel channel = RawNetty.client(group, ch -> ch.pipeline().addLast(RawNetty.decoder(),
                RawNetty.encoder(), new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                        replies.add(ByteBufUtil.getBytes(frame));
                    }
                })).connect("127.0.0.1", port).syncUninterruptibly().channel();
        return new Client() {
            @Override
            public void roundTrip(int seq) throws InterruptedException {
                channel.writeAndFlush(Messages.make(size, seq), channel.voidPromise());
                byte[] reply = replies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (reply == null) {
                    throw new IllegalStateException("no reply in " + TIMEOUT_SECONDS + " s");
                }
                Messages.check(reply, seq);
            }

            @Override
            public void close() {
                RawNetty.shutdown(group);
            }
        };
    }

    /** net.async on both ends: the server's user thread takes each request and puts it back. */
    static Client asyncBothEnds(int size) throws Exception {
        return asyncBothEnds(size, false);
    }

    /** {@link #asyncBothEnds(int)}, with {@code session} mode at both ends. */
    static Client asyncBothEnds(int size, boolean session) throws Exception {
        EventLoop serverLoop = Tcp.eventLoop();
        AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, AcceptOptions.builder().session(session).build());
        Thread echo = new Thread(() -> {
            Object accepted = Async.take(server.acceptChan());
            for (byte[] request; (request = Async.takeBytes(Async.readChan(accepted))) != null; ) {
                Async.put(Async.writeChan(accepted), request);
            }
        }, "bench-async-echo");
        echo.setDaemon(true);
        echo.start();
        Client client = asyncClient(server.port(), size, session);
        return new Client() {
            @Override
            public void roundTrip(int seq) throws Exception {
                client.roundTrip(seq);
            }

            @Override
            public void close() throws Exception {
                client.close();
                serverLoop.close();
            }
        };
    }
}
