/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-way throughput of the raw-Netty reference: the client writes frames on its event loop while
 * the channel is writable and flushes once per batch, resuming on writability; the server checks
 * each frame's sequence number where it lands and releases it.
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the caller; {@link Sender} and {@link Receiver} run on their event loops.
 * {@link NettyStreams} runs a sender per connection.
 */
final class NettyOneWay {
    private NettyOneWay() {
    }

    /** Messages per second for at most {@code count} messages or {@code maxNanos}. */
    static double run(int size, long count, long maxNanos) throws Exception {
        EventLoopGroup serverGroup = RawNetty.group("bench-netty-server");
        EventLoopGroup clientGroup = RawNetty.group("bench-netty-client");
        try {
            CompletableFuture<Long> received = new CompletableFuture<>();
            Channel server = RawNetty.server(serverGroup, 0,
                    ch -> ch.pipeline().addLast(RawNetty.decoder(), new Receiver(received)));
            Channel client = RawNetty.client(clientGroup, ch -> { })
                    .connect("127.0.0.1", RawNetty.port(server)).syncUninterruptibly().channel();
            long start = System.nanoTime();
            Sender sender = new Sender(client, size, count, start + maxNanos);
            client.pipeline().addLast(sender);
            client.eventLoop().execute(sender::pump);
            long messages = received.get(maxNanos + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
            return messages / seconds;
        } finally {
            RawNetty.shutdown(clientGroup, serverGroup);
        }
    }

    /** Writes while writable, flushes, and goes on when the channel is writable again. */
    static final class Sender extends ChannelInboundHandlerAdapter {
        final AtomicLong sent = new AtomicLong(); // written by the channel's loop, read by a measuring thread
        private final Channel channel;
        private final int size;
        private final long count;
        private final long deadline;
        private int seq;
        private boolean done;

        Sender(Channel channel, int size, long count, long deadline) {
            this.channel = channel;
            this.size = size;
            this.count = count;
            this.deadline = deadline;
        }

        void pump() {
            while (!done && channel.isWritable()) {
                if (seq >= count || (seq % 1024 == 0 && System.nanoTime() > deadline)) {
                    done = true;
                    channel.write(RawNetty.frame(channel.alloc(), size, Messages.END), channel.voidPromise());
                    break;
                }
                channel.write(RawNetty.frame(channel.alloc(), size, seq++), channel.voidPromise());
            }
            sent.lazySet(seq);
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    /** Checks count and order; completes with the count at the end marker. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Long> received;
        private long count;

        Receiver(CompletableFuture<Long> received) {
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            int seq = frame.getInt(frame.readerIndex());
            frame.release();
            if (seq == Messages.END) {
                received.complete(count);
                return;
            }
            try {
                Messages.check(seq, count++);
            } catch (IllegalStateException e) {
                received.completeExceptionally(e);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.completeExceptionally(cause);
            ctx.close();
        }
    }
}
