/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one many-connection run measured: messages per second summed over every connection, how
 * the work fell on the loop threads ({@link ThreadSpread#summary}), and how long after the ramp
 * the streams took to settle.
 *
 * <p>Measured over a window once the streams are flowing steadily, not from first message to last:
 * with 64 connections a 1024-slot write-chan and read-chan each hold 65,536 messages (128 MiB in
 * all at 1 KiB), and the kernel's socket buffers grow to megabytes each. Until those are full the
 * senders run ahead of the receivers and take the CPU the receivers' pace (what is counted) needs,
 * so after the ramp the window waits, up to {@link #SETTLE_MAX_NANOS}, until what is in flight
 * (sent less received) stops growing.
 *
 * <h3>Threading</h3>
 * Immutable; {@link #measure} runs on the caller's thread while the senders and receivers count on theirs.
 */
record StreamRate(double messagesPerSecond, String spread, long settleMillis) {
    /** The longest wait, after the ramp, for the streams to settle: callers' deadlines allow for it. */
    static final long SETTLE_MAX_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long SETTLE_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Sleeps {@code rampNanos}, waits until sent less received grows by under 2 % in 100 ms (or
     * {@link #SETTLE_MAX_NANOS} have passed), then counts what {@code received} (one counter per
     * receiving thread or connection, each written by its own thread) gains over {@code windowNanos}.
     */
    static StreamRate measure(List<AtomicLong> sent, List<AtomicLong> received, ThreadSpread spread, long rampNanos,
                              long windowNanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(rampNanos);
        long settling = System.nanoTime();
        long settleBy = settling + SETTLE_MAX_NANOS;
        long inFlight = sum(sent) - sum(received);
        while (System.nanoTime() < settleBy) {
            TimeUnit.NANOSECONDS.sleep(SETTLE_STEP_NANOS);
            long now = sum(sent) - sum(received);
            if (now - inFlight < inFlight / 50) {
                break;
            }
            inFlight = now;
        }
        long settleMillis = (System.nanoTime() - settling) / 1_000_000;
        spread.start();
        long before = sum(received);
        long start = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(windowNanos);
        long messages = sum(received) - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        spread.stop();
        return new StreamRate(messages / seconds, spread.summary(), settleMillis);
    }

    private static long sum(List<AtomicLong> counters) {
        long sum = 0;
        for (AtomicLong counter : counters) {
            sum += counter.get();
        }
        return sum;
    }
}
