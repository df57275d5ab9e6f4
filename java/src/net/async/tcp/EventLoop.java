/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import net.async.tcp.impl.loop.Reactor;
import net.async.tcp.impl.loop.Transport;

/**
 * One network thread, {@code net-async-tcp-N}, or several, {@code net-async-tcp-N-M}
 * ({@link EventLoopOptions.Builder#threads}), and every socket they own. Closing it closes them
 * all: listening ports are free when {@link #close()} returns, each connection's read-chan gets
 * {@code :closed} and closes, and the thread ends.
 *
 * <pre>
 * try (EventLoop loop = Tcp.eventLoop()) {
 *     ClientSocket client = Tcp.connect(loop, "127.0.0.1", 8899, ConnectOptions.defaults());
 *     ...
 * }
 * </pre>
 *
 * <h2>Threading</h2>
 * Thread-safe: every method may be called from any thread. {@link #close()} blocks until the
 * thread has ended, except when called on the loop's own thread.
 */
public final class EventLoop implements AutoCloseable {
    private final Reactor reactor;

    EventLoop(Transport transport, int threads) {
        this.reactor = new Reactor(transport, threads);
    }

    Reactor reactor() {
        return reactor;
    }

    /** {@return false once the loop has been shut down} */
    public boolean isRunning() {
        return reactor.isRunning();
    }

    /** {@return how many threads the loop has} */
    public int threads() {
        return reactor.threadCount();
    }

    /** {@return which Netty transport this loop runs on: {@code EPOLL} or {@code NIO}} */
    public String transport() {
        return reactor.transport().name();
    }

    /**
     * What every connection and acceptor of this loop has done so far, each connection read on
     * its thread: call it from a thread of yours, not from an event loop.
     *
     * @return the snapshot, connections that have ended included
     */
    public Stats stats() {
        return reactor.stats();
    }

    /** Shuts the loop down; idempotent. Same as {@link Tcp#shutdown(EventLoop)}. */
    @Override
    public void close() {
        reactor.shutdown();
    }

    @Override
    public String toString() {
        return "EventLoop[" + reactor.threadCount() + " thread" + (reactor.threadCount() == 1 ? "" : "s") + ", "
                + (isRunning() ? "running" : "shut down") + "]";
    }
}
