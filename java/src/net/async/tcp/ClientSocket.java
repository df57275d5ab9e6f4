/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.net.SocketAddress;
import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.Checks;
import net.async.tcp.impl.chan.Keywords;

/**
 * One connection, as {@code connect} returns it and accept-chan yields it: two real core.async
 * channels, shared freely with Clojure code, plus Java-friendly ways to use them.
 *
 * <pre>
 * try (ClientSocket client = Tcp.connect(loop, "127.0.0.1", 8899)) {
 *     client.write("hello".getBytes(UTF_8));              // blocks until taken
 *     Event event = client.read(Duration.ofSeconds(5));   // CONNECTED, then MESSAGE(...)
 * }                                                      // close(): flush, then CLOSED
 * </pre>
 *
 * The read-chan yields {@code :connected}, {@code byte[]} payloads, {@code :disconnected}
 * (clients only, then they reconnect) and finally {@code :closed}, after which it is closed.
 * Closing the write-chan closes the connection once everything written before has been sent.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe. The blocking methods ({@link #read}, {@link #write}) must not be
 * called on a Netty event loop or inside a go block; use the async variants there.
 */
public final class ClientSocket implements AutoCloseable {
    private final Object readChan;
    private final Object writeChan;
    private final SocketAddress remoteAddress;
    private final Principal peerPrincipal;
    private final Supplier<Stats> stats;
    private final Supplier<SocketAddress> server; // a client's: the server its link is on; else null

    /**
     * Wraps a connection's two channels, as from a Clojure {@code {:read-chan :write-chan}} map.
     *
     * @param readChan  the core.async channel of events and payloads; must not be {@code null}
     * @param writeChan the core.async channel that takes {@code byte[]} payloads; must not be {@code null}
     * @throws IllegalArgumentException when either is {@code null}
     */
    public ClientSocket(Object readChan, Object writeChan) {
        this(readChan, writeChan, null, null, null, null);
    }

    ClientSocket(Object readChan, Object writeChan, SocketAddress dialed, Supplier<Stats> stats,
                 Supplier<SocketAddress> server) {
        this(readChan, writeChan, dialed, null, stats, server);
    }

    private ClientSocket(Object readChan, Object writeChan, SocketAddress remoteAddress, Principal peerPrincipal,
                         Supplier<Stats> stats, Supplier<SocketAddress> server) {
        this.readChan = Checks.notNull(readChan, "readChan");
        this.writeChan = Checks.notNull(writeChan, "writeChan");
        this.remoteAddress = remoteAddress;
        this.peerPrincipal = peerPrincipal;
        this.stats = stats;
        this.server = server;
    }

    /**
     * The socket for a {@code {:read-chan :write-chan}} map, as accept-chan yields them.
     *
     * @param socket the map; must not be {@code null} and must hold both channels
     * @return the socket, with the map's {@code :remote-address} and {@code :peer-principal} if present
     * @throws IllegalArgumentException when the map or either channel is missing
     */
    public static ClientSocket of(Map<?, ?> socket) {
        Checks.notNull(socket, "socket");
        @SuppressWarnings("unchecked")
        Supplier<Stats> stats = (Supplier<Stats>) socket.get(Keywords.STATS);
        return new ClientSocket(socket.get(Keywords.READ_CHAN), socket.get(Keywords.WRITE_CHAN),
                (SocketAddress) socket.get(Keywords.REMOTE_ADDRESS), (Principal) socket.get(Keywords.PEER_PRINCIPAL),
                stats, null);
    }

    /** A client's {@code :connected} names the server it is on, as far as the socket knows it. */
    private Event event(Object value) {
        Event event = Event.of(value);
        return server != null && event.kind() == Event.Kind.CONNECTED ? Event.connected(server.get()) : event;
    }

    /**
     * A client's server: the resolved address of the server its link is on, or of the last one
     * it was on while it redials; with several servers, which one took it.
     *
     * @return the address, or {@code null} before the first link, for an accepted connection
     *         and for a socket made from bare channels
     */
    public SocketAddress server() {
        return server == null ? null : server.get();
    }

    /**
     * An accepted connection's peer address; the address a client dials (with several, the first) (its host and port,
     * unresolved, or its socket file), whichever peer answers there on each link.
     *
     * @return the address, or {@code null} for a socket made from bare channels
     */
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * An accepted TLS connection's client certificate principal, else {@code null}.
     *
     * @return the principal, or {@code null} without TLS client authentication or for a client connection
     */
    public Principal peerPrincipal() {
        return peerPrincipal;
    }

    /**
     * What this connection has done so far, read on its thread: call it from a thread of yours,
     * not from an event loop.
     *
     * @return the snapshot
     * @throws IllegalStateException for a socket made from bare channels, which has no numbers
     */
    public Stats stats() {
        if (stats == null) {
            throw new IllegalStateException("no stats: this socket was made from bare channels");
        }
        return stats.get();
    }

    /** {@return the core.async channel of events and payloads} */
    public Object readChan() {
        return readChan;
    }

    /** {@return the core.async channel that takes {@code byte[]} payloads} */
    public Object writeChan() {
        return writeChan;
    }

    /**
     * Waits up to {@code timeout} for the next event. Once the connection has closed, every
     * call returns {@link Event#CLOSED} at once.
     *
     * @param timeout how long to wait; must not be {@code null}
     * @return the event, or {@code null} if none came in time
     */
    public Event read(Duration timeout) {
        Object value = Chans.takeWithin(readChan, timeout.toMillis());
        return value == Chans.timedOut() ? null : event(value);
    }

    /**
     * The next event, without blocking. The take stays pending until an event arrives, even if
     * the future is cancelled, so keep one read outstanding at a time.
     *
     * @return a future of the next event; {@link Event#CLOSED} once the connection has closed
     */
    public CompletableFuture<Event> readAsync() {
        CompletableFuture<Event> next = new CompletableFuture<>();
        Chans.take(readChan, value -> next.complete(event(value)));
        return next;
    }

    /**
     * Hands one message to the connection, blocking until the write-chan takes it.
     *
     * @param payload the message; must not be {@code null}, nor changed afterwards (it is not copied)
     * @return false once the connection is closed
     */
    public boolean write(byte[] payload) {
        return Chans.blockingPut(writeChan, Checks.notNull(payload, "payload"));
    }

    /**
     * Hands one message to the connection without blocking; completes with false once it is closed.
     *
     * @param payload the message; must not be {@code null}, nor changed afterwards (it is not copied)
     * @return a future of true once the write-chan took the message, false once it is closed
     */
    public CompletableFuture<Boolean> writeAsync(byte[] payload) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Chans.put(writeChan, Checks.notNull(payload, "payload"), done::complete);
        return done;
    }

    /** Closes the write-chan: what was written is sent, then the read-chan yields CLOSED. */
    @Override
    public void close() {
        Chans.close(writeChan);
    }

    /**
     * The Clojure view, {@code {:read-chan <chan> :write-chan <chan>}}, as the namespace returns it.
     *
     * @return an immutable Clojure map, with {@code :remote-address} and {@code :peer-principal} when known
     */
    public Map<?, ?> toMap() {
        return Keywords.socketMap(readChan, writeChan, remoteAddress, peerPrincipal, stats);
    }

    @Override
    public String toString() {
        return "ClientSocket[" + readChan + ", " + writeChan + "]";
    }
}
