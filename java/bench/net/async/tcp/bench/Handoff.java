/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

/**
 * The bare core.async ceiling: two plain threads hand 128 B messages over one channel with
 * {@code >!!} and {@code <!!}, no network. Whatever net.async does on top can only be slower.
 *
 * <h3>Threading</h3>
 * {@link #run} starts one writer thread and reads on the caller's thread.
 */
final class Handoff {
    private Handoff() {
    }

    /** Messages per second through {@code chan}, for at most {@code count} messages or {@code maxNanos}. */
    static double run(Object chan, int size, long count, long maxNanos) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        Thread writer = new Thread(() -> {
            for (int seq = 0; seq < count && (seq % 1024 != 0 || System.nanoTime() < deadline); seq++) {
                Async.put(chan, Messages.make(size, seq));
            }
            Async.put(chan, Messages.end(size));
        }, "bench-handoff-writer");
        writer.setDaemon(true);
        writer.start();
        long received = 0;
        while (true) {
            byte[] message = (byte[]) Async.take(chan);
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
