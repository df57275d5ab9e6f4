/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many concurrent connections, each echoing one 128 B message, against a server on an event loop
 * of one or more threads in a child JVM ({@link ConnServer}). This JVM is the load generator: raw Netty, one event loop,
 * at most {@value #CONNECTS_IN_FLIGHT} connects in flight so the listen backlog never overflows.
 * Each process holds one end of every connection, so each needs only {@code n} file descriptors.
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the caller; the handlers run on the load generator's loop.
 */
final class ManyConnections {
    static final int CONNECTS_IN_FLIGHT = 256;
    private static final int SIZE = 128;

    record Result(int connections, int echoed, double connectedMillis, double echoedMillis,
                  double rssKibPerConnection, double heapKibPerConnection) {
    }

    private ManyConnections() {
    }

    /** The most connections this process may open: its fd limit less room for jars and sockets. */
    static int maxConnections(int wanted) {
        long fds = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        return (int) Math.min(wanted, fds - 500);
    }

    static Result run(String server, int threads, int n, long maxNanos) throws Exception {
        Process child = ChildJvm.start(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"), ConnServer.class, server,
                String.valueOf(threads));
        EventLoopGroup group = RawNetty.group("bench-conn-clients");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String[] ready = out.readLine().split(" ");
            int port = Integer.parseInt(ready[1]);
            CountDownLatch connected = new CountDownLatch(n);
            CountDownLatch echoed = new CountDownLatch(n);
            AtomicInteger echoes = new AtomicInteger();
            Semaphore inFlight = new Semaphore(CONNECTS_IN_FLIGHT);
            Bootstrap bootstrap = RawNetty.client(group, ch -> ch.pipeline().addLast(RawNetty.decoder(),
                    new EchoOnce(echoed, echoes)));
            long start = System.nanoTime();
            long deadline = start + maxNanos;
            for (int i = 0; i < n && inFlight.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS); i++) {
                bootstrap.connect("127.0.0.1", port).addListener(f -> {
                    inFlight.release();
                    if (f.isSuccess()) {
                        connected.countDown();
                    }
                });
            }
            connected.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            double connectedMillis = (System.nanoTime() - start) / 1e6;
            echoed.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            double echoedMillis = (System.nanoTime() - start) / 1e6;
            int served = echoes.get();
            in.println("measure");
            String[] after = out.readLine().split(" ");
            in.println("quit");
            double rss = (Long.parseLong(after[1]) - Long.parseLong(ready[2])) / (double) served;
            double heap = (Long.parseLong(after[2]) - Long.parseLong(ready[3])) / (double) served;
            return new Result(n, served, served == n ? connectedMillis : Double.NaN,
                    served == n ? echoedMillis : Double.NaN, rss, heap);
        } finally {
            RawNetty.shutdown(group);
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** Sends one frame when connected and counts its echo. */
    private static final class EchoOnce extends ChannelInboundHandlerAdapter {
        private final CountDownLatch echoed;
        private final AtomicInteger echoes;

        EchoOnce(CountDownLatch echoed, AtomicInteger echoes) {
            this.echoed = echoed;
            this.echoes = echoes;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(RawNetty.frame(ctx.alloc(), SIZE, 7), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            int seq = frame.getInt(frame.readerIndex());
            frame.release();
            if (seq == 7) {
                echoes.incrementAndGet();
                echoed.countDown();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
