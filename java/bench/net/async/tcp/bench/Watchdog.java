/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a run in time: if it is still going {@value #GRACE_SECONDS} s after its own deadline,
 * its resources are closed. Shutting a net.async loop down closes every read-chan and write-chan
 * and so unblocks any user thread in {@code <!!} or {@code >!!}. Closing the watchdog disarms it.
 *
 * <h3>Threading</h3>
 * One daemon thread per watchdog; every method from any thread.
 */
final class Watchdog implements AutoCloseable {
    static final long GRACE_SECONDS = 10;

    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private Watchdog(long nanos, AutoCloseable... resources) {
        this.resources.addAll(List.of(resources));
        thread = new Thread(() -> {
            try {
                TimeUnit.NANOSECONDS.sleep(nanos + TimeUnit.SECONDS.toNanos(GRACE_SECONDS));
            } catch (InterruptedException disarmed) {
                return;
            }
            System.err.println("bench: a run overstayed its time bound, closing it down");
            for (AutoCloseable resource : this.resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
        }, "bench-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    static Watchdog after(long nanos, AutoCloseable... resources) {
        return new Watchdog(nanos, resources);
    }

    void alsoClose(AutoCloseable resource) {
        resources.add(resource);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
