/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.chan.Chans;

/**
 * The bare core.async ceiling: plain threads hand messages over channels with {@code >!!} and
 * {@code <!!}, no network. {@link #run} is one hand-off, writer to reader; {@link #relay} is the
 * two that every net.async message makes, writer to write-chan to a relay thread (the sending
 * loop's place) to read-chan to reader, the relay parking in {@code <!!} and {@code >!!} as plain
 * threads do; {@link #pump} the same two with a relay that never parks, as net.async's loops.
 * Whatever net.async does on top of the last can only be slower.
 *
 * <h3>Threading</h3>
 * {@link #run} starts one writer thread, {@link #relay} and {@link #pump} a writer and a relay
 * thread; all read on the caller's thread. The pump's state is its relay thread's.
 */
final class Handoff {
    private Handoff() {
    }

    /** Messages per second through {@code chan}, for at most {@code count} messages or {@code maxNanos}. */
    static double run(Object chan, int size, long count, long maxNanos) throws InterruptedException {
        return through(chan, chan, size, count, maxNanos);
    }

    /**
     * Messages per second from a writer through two {@code slots}-slot channels and a relay thread
     * between them ({@code <!!} from the first, {@code >!!} into the second), for at most
     * {@code count} messages or {@code maxNanos}.
     */
    static double relay(int slots, int size, long count, long maxNanos) throws InterruptedException {
        Object in = Async.chan(slots);
        Object out = Async.chan(slots);
        Thread relay = new Thread(() -> {
            for (Object message; (message = Async.take(in)) != null; ) {
                Async.put(out, message);
                if (Messages.isEnd((byte[]) message)) {
                    return;
                }
            }
        }, "bench-handoff-relay");
        relay.setDaemon(true);
        relay.start();
        double rate = through(in, out, size, count, maxNanos);
        relay.join(1000);
        return rate;
    }

    /**
     * As {@link #relay}, but the relay is what net.async's loops are, minus the network: a thread
     * that never parks on a channel. It moves what {@code poll!} finds with {@code offer!}, and
     * when the first channel is empty or the second full it leaves a {@code take!} or a
     * {@code put!} whose callback hands the rest of the work back to it.
     */
    static double pump(int slots, int size, long count, long maxNanos) throws InterruptedException {
        Object in = Async.chan(slots);
        Object out = Async.chan(slots);
        ExecutorService relay = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "bench-handoff-pump");
            thread.setDaemon(true);
            return thread;
        });
        Pump pump = new Pump(in, out, relay);
        relay.execute(() -> pump.moved(null));
        double rate = through(in, out, size, count, maxNanos);
        relay.shutdown();
        relay.awaitTermination(1, TimeUnit.SECONDS);
        return rate;
    }

    /** Moves values from {@code in} to {@code out}; all of it on {@code relay}, callbacks hop back onto it. */
    private record Pump(Object in, Object out, ExecutorService relay) {
        /** Offers {@code pending} (if any), then drains {@code in} until it is empty or {@code out} full. */
        void moved(Object pending) {
            Object value = pending;
            while (true) {
                if (value == null) {
                    value = Chans.poll(in);
                    if (value == null) {
                        Chans.take(in, taken -> {
                            if (taken != null) {
                                relay.execute(() -> moved(taken));
                            }
                        });
                        return;
                    }
                }
                if (!Chans.offer(out, value)) {
                    Chans.put(out, value, accepted -> relay.execute(() -> moved(null)));
                    return;
                }
                value = null;
            }
        }
    }

    private static double through(Object first, Object last, int size, long count, long maxNanos)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        Thread writer = new Thread(() -> {
            for (int seq = 0; seq < count && (seq % 1024 != 0 || System.nanoTime() < deadline); seq++) {
                Async.put(first, Messages.make(size, seq));
            }
            Async.put(first, Messages.end(size));
        }, "bench-handoff-writer");
        writer.setDaemon(true);
        writer.start();
        long received = 0;
        while (true) {
            byte[] message = (byte[]) Async.take(last);
            if (Messages.isEnd(message)) {
                break;
            }
            Messages.check(message, received++);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writer.join(1000);
        return received / seconds;
    }
}
