/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition, bounded in time: Lettuce's {@code Wait} in a few lines. */
final class Await {
    private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails the test after {@code timeout}. */
    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        if (!holdsWithin(condition, timeout)) {
            fail("not within " + timeout.toMillis() + " ms: " + what.get());
        }
    }

    static void until(BooleanSupplier condition, Duration timeout, String what) {
        until(condition, timeout, () -> what);
    }

    /** True as soon as {@code condition} holds, false if it did not within {@code timeout}. */
    static boolean holdsWithin(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    /** Milliseconds since {@code startNanos}, a {@link System#nanoTime()} reading. */
    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
