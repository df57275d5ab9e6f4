/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many connections streaming at once into one server, in raw Netty: the reference for
 * {@link AsyncStreams}. A server group and a client group of {@code threads} threads each; every
 * client channel runs {@link NettyOneWay}'s sender (write while writable, flush, resume on
 * writability) and every accepted channel a {@link Receiver} (check order, count, release).
 * The rate is taken over a window ({@link StreamRate#measure}); then everything is closed.
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the caller; senders and receivers run on their channels' loop threads.
 */
final class NettyStreams {
    private static final long ACCEPT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private NettyStreams() {
    }

    /**
     * Messages per second over all connections, counted over {@code windowNanos} after
     * {@code rampNanos}; each connection sends at most {@code count / connections} messages.
     */
    static StreamRate run(int threads, int connections, int size, long count, long rampNanos, long windowNanos)
            throws Exception {
        EventLoopGroup serverGroup = RawNetty.group("bench-streams-server", threads);
        EventLoopGroup clientGroup = RawNetty.group("bench-streams-client", threads);
        ThreadSpread spread = new ThreadSpread("bench-streams-");
        try {
            List<AtomicLong> received = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Channel server = RawNetty.server(serverGroup, 0, ch -> {
                AtomicLong counter = new AtomicLong();
                received.add(counter);
                spread.connectionHere(); // initChannel runs on the thread the channel was given
                ch.pipeline().addLast(RawNetty.decoder(), new Receiver(counter, failure));
            });
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                clients.add(RawNetty.client(clientGroup, ch -> ch.pipeline().addLast(new QuietClose()))
                        .connect("127.0.0.1", RawNetty.port(server)).syncUninterruptibly().channel());
            }
            awaitAccepted(received, connections);
            // a backstop: the senders go on past the window until their channels are closed
            long deadline = System.nanoTime() + rampNanos + StreamRate.SETTLE_MAX_NANOS + windowNanos
                    + TimeUnit.SECONDS.toNanos(1);
            List<AtomicLong> sent = new ArrayList<>();
            for (Channel client : clients) {
                NettyOneWay.Sender sender = new NettyOneWay.Sender(client, size, count / connections, deadline);
                sent.add(sender.sent);
                client.pipeline().addLast(sender);
                client.eventLoop().execute(sender::pump);
            }
            StreamRate rate = StreamRate.measure(sent, received, spread, rampNanos, windowNanos);
            if (failure.get() != null) {
                throw new IllegalStateException("raw Netty streams failed", failure.get());
            }
            for (Channel client : clients) {
                client.close();
            }
            server.close().syncUninterruptibly();
            return rate;
        } finally {
            RawNetty.shutdown(clientGroup, serverGroup);
        }
    }

    /** Connected clients may not be accepted yet: wait, bounded, until the server holds every one. */
    private static void awaitAccepted(List<?> accepted, int connections) throws InterruptedException {
        long deadline = System.nanoTime() + ACCEPT_NANOS;
        while (accepted.size() < connections) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("accepted " + accepted.size() + " of " + connections + " connections");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Ends a client's pipeline quietly: closing a channel after the window fails the writes still
     * queued on it, and each would be logged. Order and loss are checked on the server.
     */
    private static final class QuietClose extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Checks order on one connection and publishes its count; the sender's end marker is skipped. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final AtomicLong received;
        private final AtomicReference<Throwable> failure;
        private long count;

        Receiver(AtomicLong received, AtomicReference<Throwable> failure) {
            this.received = received;
            this.failure = failure;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            int seq = frame.getInt(frame.readerIndex());
            frame.release();
            if (seq == Messages.END) {
                return;
            }
            try {
                Messages.check(seq, count++);
            } catch (IllegalStateException e) {
                failOn(ctx, e);
                return;
            }
            received.lazySet(count); // only this thread writes it; the reader needs no more than eventual order
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failOn(ctx, cause);
        }

        private void failOn(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, cause);
            ctx.close();
        }
    }
}
