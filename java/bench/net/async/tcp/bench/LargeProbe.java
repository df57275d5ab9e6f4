/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Chans;

/**
 * One-way throughput of large messages, for {@code java/bin/bench-against}: net.async (as
 * {@link AsyncOneWay}: a writer thread, a reader thread, 1024-slot channels, 64 at 1 MiB) beside raw Netty and
 * JeroMQ in the same JVM, the three taking turns going first in each round. For net.async it also
 * measures, in every round, the heap each thread group allocated per message (the
 * {@code com.sun.management.ThreadMXBean} counts) and, on the receiving connection, how many
 * bytes were copied on the way from the socket to the payload's {@code byte[]}: through the
 * decoder's cumulation buffer (old decoder, counted by a counting cumulator) or through its
 * staging (new decoder), beside the one copy into the {@code byte[]} itself. It reaches the
 * receiving channel by reflection, since nothing in the API exposes it.
 *
 * <pre>
 *   java -cp LIBRARY:BENCH:DEPS net.async.tcp.bench.LargeProbe 65536 1048576
 * </pre>
 *
 * Prints {@code one-way SIZE MEDIAN_MSG_PER_S} for net.async (what bench-against compares), then
 * lines for the references, the ratios of each round and the copies and allocations.
 *
 * <h3>Threading</h3>
 * The main thread reads; one writer thread per net.async or JeroMQ run; counting handlers run on
 * the receiving channel's event loop and publish through atomics.
 */
public final class LargeProbe {
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("probe.millis", 1000));
    private static final int ROUNDS = Integer.getInteger("probe.rounds", 5);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private LargeProbe() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {65536, 1 << 20} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int i = 0; i < 2; i++) {
            for (int size : sizes) {
                async(size, RUN_NANOS / 2);
                NettyOneWay.run(size, count(size), RUN_NANOS / 2);
                JeroMq.oneWay(size, count(size), RUN_NANOS / 2);
            }
        }
        int n = sizes.length;
        double[][] async = new double[n][ROUNDS];
        double[][] netty = new double[n][ROUNDS];
        double[][] zmq = new double[n][ROUNDS];
        List<List<Result>> results = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            results.add(new ArrayList<>());
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int s = 0; s < n; s++) {
                int size = sizes[s];
                for (int k = 0; k < 3; k++) {
                    switch ((round + k) % 3) {
                        case 0 -> {
                            Result r = async(size, RUN_NANOS);
                            results.get(s).add(r);
                            async[s][round] = r.rate;
                        }
                        case 1 -> netty[s][round] = NettyOneWay.run(size, count(size), RUN_NANOS);
                        default -> zmq[s][round] = JeroMq.oneWay(size, count(size), RUN_NANOS);
                    }
                }
                System.err.printf("round %d %7d B: net.async %.0f, raw Netty %.0f, JeroMQ %.0f msg/s%n", round + 1, size,
                        async[s][round], netty[s][round], zmq[s][round]);
            }
        }
        for (int s = 0; s < n; s++) {
            int size = sizes[s];
            double[] toNetty = new double[ROUNDS];
            double[] toZmq = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                toNetty[round] = async[s][round] / netty[s][round];
                toZmq[round] = async[s][round] / zmq[s][round];
            }
            System.out.printf("one-way %d %.0f%n", size, Bench.median(async[s]));
            System.out.printf("netty %d %.0f%n", size, Bench.median(netty[s]));
            System.out.printf("jeromq %d %.0f%n", size, Bench.median(zmq[s]));
            System.out.printf("gbps %d %.2f %.2f %.2f%n", size, Bench.median(async[s]) * size / 1e9,
                    Bench.median(netty[s]) * size / 1e9, Bench.median(zmq[s]) * size / 1e9);
            System.out.printf("spread %d %.0f %.0f%n", size, min(async[s]), max(async[s]));
            System.out.printf("ratio-netty %d %.2f %.2f %.2f%n", size, Bench.median(toNetty), min(toNetty), max(toNetty));
            System.out.printf("ratio-jeromq %d %.2f %.2f %.2f%n", size, Bench.median(toZmq), min(toZmq), max(toZmq));
            Result sum = Result.sum(results.get(s));
            double messages = sum.messages;
            double bytes = messages * size;
            System.out.printf("alloc %d writer %.0f reader %.0f loops %.0f other %.0f%n", size, sum.writer / messages,
                    sum.reader / messages, sum.loops / messages, sum.other / messages);
            System.out.printf("copies %d cumulated %.3f regrown %.3f staged %.3f reads-per-msg %.1f bytes-per-read %.0f%n",
                    size, sum.cumulated / bytes, sum.regrown / bytes, sum.staged / bytes, sum.reads / messages,
                    sum.readBytes / (double) Math.max(1, sum.reads));
        }
        System.exit(0);
    }

    private static long count(int size) {
        return Math.max(2000, 200_000L * 65536 / size);
    }

    /** One net.async run, as {@link AsyncOneWay#run}, with the allocation and copy counts. */
    private static Result async(int size, long maxNanos) throws Exception {
        int slots = ClojurePrograms.slots(size); // 1024, and at 1 MiB 64: the same 64 MiB a channel
        AcceptOptions acceptOptions = AcceptOptions.builder().readChanFactory(() -> Chans.chan(slots)).build();
        ConnectOptions connectOptions = ConnectOptions.builder().writeChan(Chans.chan(slots)).build();
        long count = count(size);
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop();
             Watchdog watchdog = Watchdog.after(maxNanos, serverLoop, clientLoop)) {
            AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, acceptOptions);
            watchdog.alsoClose(() -> Chans.close(server.acceptChan()));
            ClientSocket client = Tcp.connect(clientLoop, "127.0.0.1", server.port(), connectOptions);
            Object readChan = Async.readChan(Async.take(server.acceptChan()));
            Counting counting = Counting.install(receivingChannel(server));
            long[] writerAllocated = new long[2];
            Map<Long, Long> before = allocated();
            long start = System.nanoTime();
            long deadline = start + maxNanos;
            Thread writer = new Thread(() -> {
                writerAllocated[0] = THREADS.getCurrentThreadAllocatedBytes();
                for (int seq = 0; seq < count && (seq % 64 != 0 || System.nanoTime() < deadline); seq++) {
                    if (!Async.put(client.writeChan(), Messages.make(size, seq))) {
                        return;
                    }
                }
                Async.put(client.writeChan(), Messages.end(size));
                writerAllocated[1] = THREADS.getCurrentThreadAllocatedBytes();
            }, "bench-large-writer");
            writer.setDaemon(true);
            writer.start();
            long received = 0;
            while (true) {
                byte[] message = Async.takeBytes(readChan);
                if (message == null) {
                    throw new IllegalStateException("read-chan closed after " + received + " messages");
                }
                if (Messages.isEnd(message)) {
                    break;
                }
                Messages.check(message, received++);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<Long, Long> after = allocated();
            writer.join(1000);
            Result result = new Result();
            result.rate = received / seconds;
            result.messages = received;
            result.writer = writerAllocated[1] - writerAllocated[0];
            long self = Thread.currentThread().getId();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                Long end = after.get(thread.getId());
                if (end == null || thread.getId() == writer.getId()) {
                    continue;
                }
                long delta = end - before.getOrDefault(thread.getId(), 0L);
                if (thread.getId() == self) {
                    result.reader += delta;
                } else if (thread.getName().startsWith("net-async-tcp")) {
                    result.loops += delta;
                } else {
                    result.other += delta;
                }
            }
            counting.into(result);
            return result;
        }
    }

    private static Map<Long, Long> allocated() {
        Set<Thread> threads = Thread.getAllStackTraces().keySet();
        long[] ids = threads.stream().mapToLong(Thread::getId).toArray();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> map = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                map.put(ids[i], bytes[i]);
            }
        }
        return map;
    }

    /** The accepted connection's channel: AcceptSocket.stop is {@code acceptor::close}; the acceptor keeps its connections. */
    private static Channel receivingChannel(AcceptSocket server) throws ReflectiveOperationException {
        Object stop = field(server, "stop");
        Object acceptor = null;
        for (Field f : stop.getClass().getDeclaredFields()) {
            f.setAccessible(true);
            acceptor = f.get(stop);
        }
        Set<?> connections = (Set<?>) field(acceptor, "connections");
        Object connection = connections.iterator().next();
        return (Channel) field(connection, "channel");
    }

    private static Object field(Object on, String name) throws ReflectiveOperationException {
        Field f = on.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(on);
    }

    /** What one run measured; sums over rounds. */
    private static final class Result {
        double rate;
        long messages;
        long writer;
        long reader;
        long loops;
        long other;
        long reads;
        long readBytes;
        long cumulated;
        long regrown;
        long staged;

        static Result sum(List<Result> results) {
            Result sum = new Result();
            for (Result r : results) {
                sum.messages += r.messages;
                sum.writer += r.writer;
                sum.reader += r.reader;
                sum.loops += r.loops;
                sum.other += r.other;
                sum.reads += r.reads;
                sum.readBytes += r.readBytes;
                sum.cumulated += r.cumulated;
                sum.regrown += r.regrown;
                sum.staged += r.staged;
            }
            return sum;
        }
    }

    /**
     * Counts the reads that reach the frame decoder and, for a {@code ByteToMessageDecoder}, the
     * bytes its cumulator copies: appended to a non-empty cumulation, and moved when it grows.
     */
    private static final class Counting extends ChannelInboundHandlerAdapter {
        final AtomicLong reads = new AtomicLong();
        final AtomicLong readBytes = new AtomicLong();
        final AtomicLong cumulated = new AtomicLong();
        final AtomicLong regrown = new AtomicLong();
        ChannelHandler decoder;

        static Counting install(Channel channel) {
            Counting counting = new Counting();
            counting.decoder = channel.pipeline().get("frame-decoder");
            if (counting.decoder instanceof ByteToMessageDecoder merging) {
                merging.setCumulator((alloc, cumulation, in) -> {
                    boolean copies = cumulation.isReadable() || !in.isContiguous();
                    int capacity = cumulation.capacity();
                    int written = cumulation.writerIndex();
                    int readable = cumulation.readableBytes();
                    int n = in.readableBytes();
                    ByteBuf out = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
                    if (copies) {
                        counting.cumulated.addAndGet(n);
                        if (out != cumulation) {
                            counting.regrown.addAndGet(readable);
                        } else if (out.capacity() != capacity) {
                            counting.regrown.addAndGet(written);
                        }
                    }
                    return out;
                });
            }
            channel.pipeline().addBefore("frame-decoder", "bench-counting", counting);
            return counting;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf in) {
                reads.incrementAndGet();
                readBytes.addAndGet(in.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }

        void into(Result result) {
            result.reads = reads.get();
            result.readBytes = readBytes.get();
            result.cumulated = cumulated.get();
            result.regrown = regrown.get();
            try {
                Method staged = decoder.getClass().getDeclaredMethod("stagedBytes");
                staged.setAccessible(true);
                result.staged = (long) staged.invoke(decoder);
            } catch (ReflectiveOperationException none) {
                result.staged = 0; // a decoder with a cumulation buffer instead
            }
        }
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
