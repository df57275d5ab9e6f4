/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import net.async.tcp.ClientSocket;
import net.async.tcp.impl.chan.Chans;

/**
 * Keeps one {@code put!} pending on every client's write-chan from a single thread: a put
 * that completes at once is followed by the next; one that parks completes later on
 * core.async's thread, which wakes the writer. Each message is a new array, as an
 * application's would be, so what the channels hold is real heap.
 *
 * <h3>Threading</h3>
 * Its own thread puts; the put callbacks run on core.async's threads and the writer's and touch
 * only atomics.
 */
final class FullWriteChans implements AutoCloseable {
    private static final int IDLE = 0;
    private static final int PENDING = 1;
    private static final int CLOSED = 2;
    // bounds the puts to one client per sweep, so that a fast one cannot starve the others
    private static final int MAX_PUTS_PER_SWEEP = 4096;
    // how long it waits for a put to complete before it sweeps again, and how long it runs at most
    private static final long POLL_MILLIS = 100;
    private static final long MAX_SECONDS = 180;

    final AtomicLong puts = new AtomicLong();
    private final List<ClientSocket> clients;
    private final int size;
    private final AtomicIntegerArray state;
    private final Semaphore completed = new Semaphore(0);
    private volatile boolean stop;
    private final Thread thread;

    FullWriteChans(List<ClientSocket> clients, int size) {
        this.clients = clients;
        this.size = size;
        this.state = new AtomicIntegerArray(clients.size());
        thread = new Thread(this::run, "bench-loaded-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
        while (!stop && System.nanoTime() < deadline) {
            for (int i = 0; i < clients.size() && !stop; i++) {
                int client = i;
                for (int k = 0; k < MAX_PUTS_PER_SWEEP && state.compareAndSet(client, IDLE, PENDING); k++) {
                    Chans.put(clients.get(client).writeChan(), new byte[size], ok -> {
                        if (ok) {
                            puts.incrementAndGet();
                        }
                        state.set(client, ok ? IDLE : CLOSED);
                        completed.release();
                    });
                }
            }
            try {
                completed.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            completed.drainPermits();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
