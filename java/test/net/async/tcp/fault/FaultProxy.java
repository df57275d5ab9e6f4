/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that breaks every link it carries, on purpose: put it between many
 * clients and one server to get thousands of link failures in seconds.
 *
 * <pre>
 * Plan plan = Plan.of(0, 30, seed, Fault.RESET, Fault.BLACKHOLE, Fault.CUT);
 * try (FaultProxy proxy = FaultProxy.start(server.port(), plan)) {
 *     ClientSocket client = Sockets.connect(loop, proxy.port()); // each link fails within 30 ms
 *     ...
 *     proxy.faultsEnabled(false);                                // now let the clients recover
 *     System.out.println(proxy);                                 // the seed, links, faults per kind
 * }
 * </pre>
 *
 * Each accepted link dials {@code 127.0.0.1:targetPort} and relays bytes unchanged both ways,
 * one chunk in flight per direction (the next read waits for the write, as in Netty's
 * HexDumpProxy). Once both ends are connected a timer starts (the plan's delay, uniform per
 * link; 0 hits the very first bytes) and then applies one of the plan's {@link Fault}s, unless
 * faults were switched off meanwhile.
 *
 * <h3>Threading</h3>
 * One event loop thread of its own, named {@link #name()}, owns every link's state and the
 * random generator. {@link #faultsEnabled(boolean)}, the counters and {@link #close()} may be
 * called from any thread.
 */
public final class FaultProxy implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final long CUT_WAIT_MILLIS = 20;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name = "fault-proxy-" + IDS.incrementAndGet();
    private final int targetPort;
    private final Plan plan;
    private final Fault[] kinds;
    private final Random random; // event loop only
    private final EventLoopGroup group;
    private final Thread thread;
    private final ChannelGroup channels; // the listener and both sides of every link
    private final int port;
    private final FaultTally tally = new FaultTally();
    private final Set<Link> relaying = new java.util.HashSet<>(); // event loop only
    private volatile Tripwire tripwire = Tripwire.NONE;
    private volatile boolean faultsEnabled = true;
    private volatile FaultListener faultListener = (p, f) -> { };
    private volatile long faultLimit = Long.MAX_VALUE;
    private boolean closed; // event loop only

    private FaultProxy(int targetPort, Plan plan) {
        this.targetPort = targetPort;
        this.plan = plan;
        this.kinds = plan.faults().toArray(new Fault[0]);
        this.random = new Random(plan.seed());
        this.group = new MultiThreadIoEventLoopGroup(1, runnable -> {
            Thread t = new FastThreadLocalThread(runnable, name);
            t.setDaemon(true); // a test that forgets close() must not keep the JVM alive
            return t;
        }, NioIoHandler.newFactory());
        try {
            thread = group.next().submit(Thread::currentThread).syncUninterruptibly().getNow();
            channels = new DefaultChannelGroup(name, group.next());
            port = listen();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, MILLISECONDS);
            throw e;
        }
    }

    /** Listens on {@code 127.0.0.1}, any free port, faults on. */
    public static FaultProxy start(int targetPort, Plan plan) {
        return new FaultProxy(targetPort, plan);
    }

    public int port() {
        return port;
    }

    /**
     * Listens on one more port, any free one, relayed to the same target and faulted by the same
     * plan: a client of its own on each port lets a {@link FaultListener} tell whose link was hit.
     *
     * @return the new port
     */
    public int listen() {
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false) // until the upstream is connected
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel down) {
                        if (closed) { // accepted just before close()
                            down.close();
                        } else {
                            new Link(down).dial();
                        }
                    }
                })
                .bind(HOST, 0).syncUninterruptibly().channel();
        channels.add(listener);
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Told of each fault as it strikes, on the proxy's thread; must not block. */
    public interface FaultListener {
        /** @param port the proxy port the link came in on; @param fault what struck it */
        void struck(int port, Fault fault);
    }

    /** From now on {@code listener} is told of every fault (one listener; null for none). */
    public void onFault(FaultListener listener) {
        faultListener = listener == null ? (p, f) -> { } : listener;
    }

    /** The name of the proxy's one thread. */
    public String name() {
        return name;
    }

    /**
     * Strikes no more than {@code limit} faults in all, so that a test whose links take longer to
     * set up than the plan's delays (TLS on a loaded machine) still makes progress after them.
     */
    public void faultLimit(long limit) {
        faultLimit = limit;
    }

    /** Off: new links get no fault, and links whose timer has not fired yet are spared too. */
    public void faultsEnabled(boolean enabled) {
        faultsEnabled = enabled;
    }

    /** Which way a tripwire watches: client to server, or server to client. */
    public enum Direction { UPSTREAM, DOWNSTREAM }

    /**
     * The next {@code times} chunks that carry {@code pattern} going {@code direction} are dropped,
     * and their links reset both ways instead: say, a session's BYE lost with its link.
     */
    public void resetOn(byte[] pattern, Direction direction, int times) {
        tripwire = new Tripwire(pattern, direction, times);
    }

    /** {@return how many tripwires are left to fire} */
    public int tripsLeft() {
        return tripwire.left();
    }

    /** Resets every link relaying now, both ways (an RST to each end); waits until it is done. */
    public void resetAll() {
        group.next().submit(() -> new ArrayList<>(relaying).forEach(link -> link.closeBoth(true)))
                .syncUninterruptibly();
    }

    /** Links accepted so far. */
    public long links() {
        return tally.links();
    }

    public long faults(Fault kind) {
        return tally.faults(kind);
    }

    /** Off: {@link #faultsWithinFirst} stops counting, so a long soak holds no list of every fault. */
    public void keepCarried(boolean keep) {
        tally.keepCarried(keep);
    }

    /** Faults that struck a link before it had carried {@code bytes} bytes, both ways together: say, its handshake. */
    public long faultsWithinFirst(long bytes) {
        return tally.faultsWithinFirst(bytes);
    }

    /** Faults injected so far, all kinds. */
    public long faults() {
        return tally.faults();
    }

    /** Closes the listener and both sides of every link, and waits for the thread to end. */
    @Override
    public void close() {
        if (!group.isShuttingDown()) {
            // a shutdown alone can leave sockets open: the 4.2 loop may exit without closing its channels
            // if the shutdown comes between its I/O step and its last look at the task queue. On the loop,
            // so that no link is half set up meanwhile.
            group.next().submit(() -> {
                closed = true;
                channels.close();
            }).awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 0, MILLISECONDS).syncUninterruptibly();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " " + HOST + ":" + port + " -> " + targetPort + ", " + plan + ", " + tally;
    }

    private enum State { RELAY, BLACKHOLE, CUT, CLOSING }

    /** One client's link: the accepted channel, the one dialled for it, and its fault; in both pipelines. */
    @ChannelHandler.Sharable
    private final class Link extends ChannelInboundHandlerAdapter {
        private final Channel down;
        private Channel up; // null until dialled
        private State state = State.RELAY;
        private ScheduledFuture<?> timer;
        private long carried;

        Link(Channel down) {
            this.down = down;
        }

        void dial() {
            tally.linkAccepted();
            channels.add(down);
            down.pipeline().addLast(this);
            ChannelFuture dialling = new Bootstrap().group(down.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(this)
                    .connect(HOST, targetPort);
            channels.add(dialling.channel());
            dialling.addListener((ChannelFuture dialled) -> connected(dialled));
        }

        private void connected(ChannelFuture dialled) {
            if (!dialled.isSuccess()) {
                down.close();
                return;
            }
            up = dialled.channel();
            if (!down.isActive()) { // the client gave up while we dialled
                up.close();
                return;
            }
            down.read();
            up.read();
            relaying.add(this);
            if (faultsEnabled && kinds.length > 0) {
                long spread = plan.maxDelayMillis() - plan.minDelayMillis() + 1;
                timer = down.eventLoop().schedule(this::fire, plan.minDelayMillis() + random.nextLong(spread),
                        MILLISECONDS);
            }
        }

        private void fire() {
            if (!faultsEnabled || state != State.RELAY || faults() >= faultLimit) {
                return;
            }
            Fault fault = kinds[random.nextInt(kinds.length)];
            tally.faultStruck(fault, carried);
            faultListener.struck(((InetSocketAddress) down.localAddress()).getPort(), fault);
            switch (fault) {
                case RESET -> closeBoth(true);
                case BLACKHOLE -> {
                    state = State.BLACKHOLE;
                    down.read(); // drain both ways, even a side whose last write has not completed
                    up.read();
                }
                case CUT -> {
                    state = State.CUT;
                    timer = down.eventLoop().schedule(() -> closeBoth(random.nextBoolean()), CUT_WAIT_MILLIS,
                            MILLISECONDS); // nothing read meanwhile: cancelled by the read, or a close
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel from = ctx.channel();
            Channel to = from == down ? up : down;
            ByteBuf chunk = (ByteBuf) msg;
            if (state == State.RELAY && tripwire.trips(from == down ? Direction.UPSTREAM : Direction.DOWNSTREAM, chunk)) {
                chunk.release();
                closeBoth(true);
                return;
            }
            switch (state) {
                case RELAY -> {
                    carried += chunk.readableBytes();
                    to.writeAndFlush(chunk).addListener((ChannelFuture written) -> {
                        if (written.isSuccess()) {
                            from.read();
                        } else {
                            from.close();
                        }
                    });
                }
                case CUT -> {
                    state = State.CLOSING;
                    timer.cancel(false);
                    boolean reset = random.nextBoolean();
                    chunk.writerIndex(chunk.readerIndex() + random.nextInt(chunk.readableBytes()));
                    to.writeAndFlush(chunk).addListener(written -> closeBoth(reset));
                }
                case BLACKHOLE -> {
                    chunk.release();
                    from.read();
                }
                case CLOSING -> chunk.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            relaying.remove(this);
            if (state == State.BLACKHOLE) {
                return; // each end must find out by itself, by its heartbeat timeout
            }
            state = State.CLOSING;
            if (timer != null) {
                timer.cancel(false);
            }
            Channel other = ctx.channel() == down ? up : down;
            if (other != null && other.isActive()) {
                other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset from one end: channelInactive decides about the other
        }

        /** Closes both sockets, with an RST ({@code SO_LINGER} 0) when {@code reset}. */
        private void closeBoth(boolean reset) {
            state = State.CLOSING;
            relaying.remove(this);
            for (Channel channel : List.of(down, up)) {
                if (reset && channel.isOpen()) {
                    channel.config().setOption(ChannelOption.SO_LINGER, 0);
                }
                channel.close();
            }
        }
    }
}
