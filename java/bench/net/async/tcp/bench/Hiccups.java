/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * What the machine and the JVM do to a thread that does nothing: a thread that asks to sleep for
 * 1 ms over and over and records how much later than that it woke, as jHiccup does. Run beside a
 * latency measurement, its longest hiccup is the stall no code of ours caused and none can avoid:
 * a round trip that meets one takes at least that long.
 *
 * <h3>Threading</h3>
 * Its own thread records; {@link #close} stops and joins it, after which the caller reads.
 */
final class Hiccups implements AutoCloseable {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Histogram late = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private final Thread thread;
    private volatile boolean running = true;

    private Hiccups() {
        thread = new Thread(this::record, "bench-hiccups");
        thread.setDaemon(true);
        thread.start();
    }

    static Hiccups start() {
        return new Hiccups();
    }

    private void record() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(PERIOD_NANOS);
            long overshoot = System.nanoTime() - before - PERIOD_NANOS;
            late.recordValue(Math.max(0, Math.min(overshoot, late.getHighestTrackableValue())));
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The longest hiccup, µs. */
    double maxMicros() {
        return late.getMaxValue() / 1e3;
    }

    /** Hiccups of more than 1 ms. */
    long overOneMilli() {
        return late.getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(1), late.getHighestTrackableValue());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "an idle thread's hiccups: longest %.0f µs, %d over 1 ms in %d wake-ups",
                maxMicros(), overOneMilli(), late.getTotalCount());
    }
}
