/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import java.util.concurrent.atomic.AtomicLong;

/** Counts a fuzz target's executions and prints them, with the rate, as one line on stdout. */
final class FuzzStats {
    private final String target;
    private final AtomicLong executions = new AtomicLong();
    private volatile long startNanos;

    FuzzStats(String target) {
        this.target = target;
    }

    void count() {
        if (executions.getAndIncrement() == 0) {
            startNanos = System.nanoTime();
        }
    }

    void print() {
        long n = executions.get();
        double seconds = n == 0 ? 0 : (System.nanoTime() - startNanos) / 1e9;
        String mode = System.getenv("JAZZER_FUZZ") != null ? "fuzzing" : "seeds";
        System.out.printf("fuzz %s (%s): %d executions in %.1f s, %.0f exec/s%n", target, mode, n, seconds,
                seconds > 0 ? n / seconds : 0);
    }
}
