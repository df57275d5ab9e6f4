/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one many-connection run measured: messages per second summed over every connection, and
 * how the work fell on the loop threads ({@link ThreadSpread#summary}).
 *
 * <p>Measured over a window once the streams are flowing, not from first message to last: with
 * 64 connections a 1024-slot write-chan and read-chan each hold 131,072 messages, half a second
 * of traffic at 1 KiB, so a short run timed end to end mostly measures filling and draining them.
 *
 * <h3>Threading</h3>
 * Immutable; {@link #measure} runs on the caller's thread while the receivers count on theirs.
 */
record StreamRate(double messagesPerSecond, String spread) {
    /**
     * Sleeps {@code rampNanos}, then counts what {@code received} (one counter per receiving
     * thread or connection, each written by its own thread) gains over {@code windowNanos}.
     */
    static StreamRate measure(List<AtomicLong> received, ThreadSpread spread, long rampNanos, long windowNanos)
            throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(rampNanos);
        spread.start();
        long before = sum(received);
        long start = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(windowNanos);
        long messages = sum(received) - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        spread.stop();
        return new StreamRate(messages / seconds, spread.summary());
    }

    private static long sum(List<AtomicLong> counters) {
        long sum = 0;
        for (AtomicLong counter : counters) {
            sum += counter.get();
        }
        return sum;
    }
}
