/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

/**
 * The bare core.async ceiling: plain threads hand messages over channels with {@code >!!} and
 * {@code <!!}, no network. {@link #run} is one hand-off, writer to reader; {@link #relay} is the
 * two that every net.async message makes, writer to write-chan to a relay thread (the sending
 * loop's place) to read-chan to reader. Whatever net.async does on top can only be slower.
 *
 * <h3>Threading</h3>
 * {@link #run} starts one writer thread, {@link #relay} a writer and a relay thread; both read on
 * the caller's thread.
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
