/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One-way throughput of the "same work" reference (issue #23): a hand-rolled Netty program doing
 * what net.async does for its user, with none of core.async. A plain sender thread puts a fresh
 * {@code byte[]} per message into a bounded queue ({@value #QUEUE} slots), which the client's
 * event loop drains while the channel is writable, writing each as a frame (4-byte length, then
 * the payload) and flushing once per drain. The server decodes the frames, copies each into a
 * fresh {@code byte[]} and offers it to a bounded queue ({@value #QUEUE} slots) that a plain
 * thread takes from and checks count and order; while that queue is full, the connection's
 * auto-read is off, and it comes back on once the frames held back have found room.
 * {@link NettyOneWay} is the transport ceiling beside it: frames written in place on the loop,
 * released where they land.
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the caller and starts the sender ({@code bench-samework-sender}) and the
 * reader ({@code bench-samework-reader}); {@link Drain} and {@link Receiver} run on their loops.
 */
final class NettySameWork {
    static final int QUEUE = 1024;

    private NettySameWork() {
    }

    /** Messages per second for at most {@code count} messages or {@code maxNanos}. */
    static double run(int size, long count, long maxNanos) throws Exception {
        EventLoopGroup serverGroup = RawNetty.group("bench-netty-server");
        EventLoopGroup clientGroup = RawNetty.group("bench-netty-client");
        try {
            BlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(QUEUE);
            Receiver receiver = new Receiver(inbox); // the one connection's
            Channel server = RawNetty.server(serverGroup, 0,
                    ch -> ch.pipeline().addLast(RawNetty.decoder(), receiver));
            Channel client = RawNetty.client(clientGroup, ch -> { })
                    .connect("127.0.0.1", RawNetty.port(server)).syncUninterruptibly().channel();
            Drain drain = new Drain(client);
            client.pipeline().addLast(drain);
            long start = System.nanoTime();
            long deadline = start + maxNanos;
            Thread sender = new Thread(() -> {
                try {
                    for (int seq = 0; seq < count && (seq % 1024 != 0 || System.nanoTime() < deadline); seq++) {
                        drain.put(Messages.make(size, seq));
                    }
                    drain.put(Messages.end(size));
                } catch (InterruptedException stopped) {
                    // the run was given up
                }
            }, "bench-samework-sender");
            CompletableFuture<Long> received = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    long n = 0;
                    for (byte[] message; !Messages.isEnd(message = inbox.take()); ) {
                        receiver.tookOne();
                        Messages.check(message, n++);
                    }
                    received.complete(n);
                } catch (InterruptedException | RuntimeException e) {
                    received.completeExceptionally(e);
                }
            }, "bench-samework-reader");
            sender.setDaemon(true);
            reader.setDaemon(true);
            reader.start();
            sender.start();
            long messages;
            try {
                messages = received.get(maxNanos + TimeUnit.SECONDS.toNanos(Watchdog.GRACE_SECONDS), TimeUnit.NANOSECONDS);
            } finally {
                sender.interrupt();
                reader.interrupt();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
            return messages / seconds;
        } finally {
            RawNetty.shutdown(clientGroup, serverGroup);
        }
    }

    /** The client side: the sender's bounded queue, drained on the loop while the channel is writable. */
    private static final class Drain extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<byte[]> outbox = new ArrayBlockingQueue<>(QUEUE);
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final Channel channel;
        private final Runnable drain = this::drain;

        Drain(Channel channel) {
            this.channel = channel;
        }

        /** On the sender's thread: blocks while the queue is full; wakes the loop unless it is already due. */
        void put(byte[] message) throws InterruptedException {
            outbox.put(message);
            if (scheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(drain);
            }
        }

        private void drain() {
            scheduled.set(false); // a put from now on schedules the next drain
            boolean wrote = false;
            for (byte[] message; channel.isWritable() && (message = outbox.poll()) != null; wrote = true) {
                ByteBuf frame = channel.alloc().ioBuffer(4 + message.length);
                channel.write(frame.writeInt(message.length).writeBytes(message), channel.voidPromise());
            }
            if (wrote) {
                channel.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                drain();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    /**
     * The server side: each frame copied into a fresh {@code byte[]} and offered to the reader's
     * queue; a frame that finds it full is held back, with auto-read off, until the reader has
     * made room.
     */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<byte[]> inbox;
        private final ArrayDeque<byte[]> heldBack = new ArrayDeque<>(); // the loop's alone
        private final AtomicBoolean paused = new AtomicBoolean();
        private final AtomicBoolean resuming = new AtomicBoolean();
        private ChannelHandlerContext ctx; // set on the loop before paused is first set

        Receiver(BlockingQueue<byte[]> inbox) {
            this.inbox = inbox;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            byte[] message = ByteBufUtil.getBytes(frame);
            frame.release();
            if (!heldBack.isEmpty() || !inbox.offer(message)) {
                heldBack.add(message);
                if (paused.compareAndSet(false, true)) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }

        /** On the reader's thread, after a take: if reading is paused, the loop moves what it held back. */
        void tookOne() {
            if (paused.get() && inbox.remainingCapacity() > 0 && resuming.compareAndSet(false, true)) {
                ctx.executor().execute(this::resume);
            }
        }

        private void resume() {
            resuming.set(false);
            while (!heldBack.isEmpty() && inbox.offer(heldBack.peek())) {
                heldBack.poll();
            }
            if (heldBack.isEmpty() && paused.compareAndSet(true, false)) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
