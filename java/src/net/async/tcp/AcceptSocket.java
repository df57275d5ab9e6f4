/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import net.async.tcp.impl.chan.Chans;

/**
 * A listening socket, as {@code accept} returns it.
 *
 * <pre>
 * try (AcceptSocket server = Tcp.accept(loop, 0)) {          // any free port
 *     ClientSocket peer = server.accept(Duration.ofSeconds(5)); // null if nobody came
 * }                                                          // close(): port freed
 * </pre>
 *
 * accept-chan yields one {@code {:read-chan <chan> :write-chan <chan>}} map per accepted
 * connection (what Clojure code expects); {@link #accept} wraps them as {@link ClientSocket}s.
 * Closing accept-chan stops accepting and frees the port; accepted connections go on.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe. {@link #accept} blocks: never on a Netty event loop or in a go block.
 */
public final class AcceptSocket implements AutoCloseable {
    private final Object acceptChan;
    private final int port;
    private final Path path;
    private final Runnable stop;
    private final LongSupplier rejected;
    private final LongSupplier evicted;
    private final Supplier<Stats> stats;

    AcceptSocket(Object acceptChan, int port, Path path, Runnable stop, LongSupplier rejected, LongSupplier evicted,
                 Supplier<Stats> stats) {
        this.stats = stats;
        this.acceptChan = acceptChan;
        this.port = port;
        this.path = path;
        this.stop = stop;
        this.rejected = rejected;
        this.evicted = evicted;
    }

    /** {@return the core.async channel of accepted connections, as Clojure maps} */
    public Object acceptChan() {
        return acceptChan;
    }

    /** {@return the bound port; useful after binding port 0; 0 for a Unix domain socket} */
    public int port() {
        return port;
    }

    /** {@return the Unix domain socket's file, or {@code null} for TCP} */
    public Path path() {
        return path;
    }

    /** {@return the number of connections closed at once because {@code maxConnections} were alive} */
    public long rejectedConnections() {
        return rejected.getAsLong();
    }

    /**
     * What this acceptor and its connections have done so far, each connection read on its
     * thread: call it from a thread of yours, not from an event loop.
     *
     * @return the snapshot, connections that have ended included
     */
    public Stats stats() {
        return stats.get();
    }

    /** {@return the number of detached sessions evicted because more were kept than the options allow} */
    public long evictedSessions() {
        return evicted.getAsLong();
    }

    /**
     * Waits up to {@code timeout} for the next connection.
     *
     * @param timeout how long to wait; must not be {@code null}
     * @return the connection, or {@code null} if none came in time or accepting has stopped
     */
    public ClientSocket accept(Duration timeout) {
        Object value = Chans.takeWithin(acceptChan, timeout.toMillis());
        return value instanceof Map<?, ?> socket ? ClientSocket.of(socket) : null;
    }

    /**
     * The next connection, without blocking; completes with {@code null} once accepting has stopped.
     *
     * @return a future of the next connection, or of {@code null} once accepting has stopped
     */
    public CompletableFuture<ClientSocket> acceptAsync() {
        CompletableFuture<ClientSocket> next = new CompletableFuture<>();
        Chans.take(acceptChan, value -> next.complete(value instanceof Map<?, ?> s ? ClientSocket.of(s) : null));
        return next;
    }

    /**
     * Closes accept-chan, stops accepting and frees the port before returning (unless called on
     * the event loop itself); accepted connections go on. Idempotent.
     */
    @Override
    public void close() {
        stop.run();
    }

    @Override
    public String toString() {
        return "AcceptSocket[" + (path != null ? "unix:" + path : "port " + port) + "]";
    }
}
