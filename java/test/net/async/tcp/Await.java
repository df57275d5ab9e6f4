/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a deadline passes, for state that offers nothing to wait on
 * (a port becoming free, a thread ending, a file-descriptor count).
 *
 * <pre>
 * Await.until(() -&gt; Sockets.canBind(port), Duration.ofSeconds(2), "port freed");
 * </pre>
 *
 * <h3>Threading</h3>
 * Stateless; blocks the calling thread.
 */
public final class Await {
    private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails with {@code what} once {@code timeout} has passed. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    public static void until(BooleanSupplier condition, Duration timeout) {
        until(condition, timeout, "condition");
    }
}
