/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.EventLoop;
import net.async.tcp.Stats;
import net.async.tcp.impl.chan.Keywords;

/**
 * Micrometer meters for an event loop, an acceptor or one connection: the figures of
 * {@link Stats}, as counters and gauges named {@code netasync.*} and tagged {@code role} and
 * {@code name}.
 *
 * <pre>
 * NetAsyncMetrics.of(loop, "orders").bindTo(registry);          // the whole loop
 * NetAsyncMetrics.of(server, "orders-in").bindTo(registry);     // one acceptor and its connections
 * NetAsyncMetrics.of(client, "prices").withRemoteAddress().bindTo(registry);
 * </pre>
 *
 * <pre>
 * netasync.connections            gauge     alive now
 * netasync.connects               counter   links that came up
 * netasync.reconnects             counter   links that came up after a connection's first
 * netasync.dials.failed           counter   dials or handshakes that failed
 * netasync.disconnects{cause}     counter   links that went down: reset, peer-closed,
 *                                           heartbeat-timeout, bad-frame, tls, shutdown
 * netasync.messages.received      counter   payloads read; .sent: written
 * netasync.bytes.received         counter   their bytes; .sent
 * netasync.heartbeats.received    counter   .sent
 * netasync.messages.unread        gauge     read, waiting for read-chan to take them
 * netasync.messages.unsent        gauge     taken from write-chan, not yet written (or acknowledged)
 * netasync.sessions.resumed       counter
 * netasync.sessions.lost          counter
 * netasync.writes.rejected        counter   write-chan values dropped: not byte[], or over max-frame-size
 * netasync.accepted               counter   loop and acceptor only
 * netasync.rejected               counter   loop and acceptor only: over max-connections
 * netasync.sessions.evicted       counter   loop and acceptor only
 * netasync.handshakes.refused     counter   loop and acceptor only: over max-handshakes
 * netasync.sessions.refused       counter   loop and acceptor only: over max-pending-sessions
 * netasync.handshaking            gauge     loop and acceptor only: links not yet past HELLO
 * netasync.sessions.pending       gauge     loop and acceptor only: new sessions accept-chan has not taken
 * </pre>
 *
 * {@code role} is {@code loop}, {@code acceptor} or {@code connection}; {@code name} is yours.
 * {@link #withRemoteAddress()} adds a connection's {@code remote} tag: every peer then makes a time
 * series of its own, which is why it is off unless asked for. The meters of one binding read one
 * snapshot at most {@link #withMaxAge max-age} old (a second, by default), so a scrape asks each
 * network thread once, not once per meter. Reading them on one of the loop's own threads is
 * refused by {@link Stats}; the meters then keep their last values. {@link #close()} removes
 * the meters from every registry they were bound to: do so when a connection you bound ends.
 *
 * <p>Micrometer is an optional dependency of net.async: add {@code io.micrometer:micrometer-core}
 * yourself to use this class.
 *
 * <h2>Threading</h2>
 * Configuration is immutable; {@link #bindTo} and {@link #close} may be called from any thread
 * (they share a lock); the meters are read on whichever thread reads the registry.
 */
public final class NetAsyncMetrics implements MeterBinder, AutoCloseable {
    private static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);
    private static final String PREFIX = "netasync.";

    private enum Role {
        LOOP, ACCEPTOR, CONNECTION;

        boolean accepts() {
            return this != CONNECTION;
        }
    }

    private final Supplier<Stats> source;
    private final Role role;
    private final String name;
    private final SocketAddress remote; // a connection's; null for a loop or an acceptor
    private final boolean tagRemote;
    private final Duration maxAge;
    private final List<Bound> bound = new ArrayList<>(); // guarded by this

    private record Bound(MeterRegistry registry, Meter meter) {
    }

    private NetAsyncMetrics(Supplier<Stats> source, Role role, String name, SocketAddress remote, boolean tagRemote,
                            Duration maxAge) {
        this.source = source;
        this.role = role;
        this.name = Objects.requireNonNull(name, "name");
        this.remote = remote;
        this.tagRemote = tagRemote;
        this.maxAge = maxAge;
    }

    /**
     * Meters for a whole event loop: every acceptor and connection on it, ended ones included.
     *
     * @param loop the loop; must not be {@code null}
     * @param name the {@code name} tag; must not be {@code null}
     * @return the binder
     */
    public static NetAsyncMetrics of(EventLoop loop, String name) {
        Objects.requireNonNull(loop, "loop");
        return new NetAsyncMetrics(loop::stats, Role.LOOP, name, null, false, DEFAULT_MAX_AGE);
    }

    /**
     * Meters for an acceptor and the connections it accepted, ended ones included.
     *
     * @param acceptor the acceptor; must not be {@code null}
     * @param name     the {@code name} tag; must not be {@code null}
     * @return the binder
     */
    public static NetAsyncMetrics of(AcceptSocket acceptor, String name) {
        Objects.requireNonNull(acceptor, "acceptor");
        return new NetAsyncMetrics(acceptor::stats, Role.ACCEPTOR, name, null, false, DEFAULT_MAX_AGE);
    }

    /**
     * Meters for one connection, a client's or an accepted one.
     *
     * @param connection the connection; must not be {@code null}, nor made from bare channels
     * @param name       the {@code name} tag; must not be {@code null}
     * @return the binder
     * @throws IllegalStateException for a socket made from bare channels, which has no numbers
     */
    public static NetAsyncMetrics of(ClientSocket connection, String name) {
        Objects.requireNonNull(connection, "connection");
        connection.stats(); // fails now, not at the first scrape
        return new NetAsyncMetrics(connection::stats, Role.CONNECTION, name, connection.remoteAddress(), false,
                DEFAULT_MAX_AGE);
    }

    /**
     * Meters for what the Clojure API returns: {@code (event-loop)}, {@code (accept …)},
     * {@code (connect …)} or a map accept-chan yields.
     *
     * <pre>
     * (.bindTo (NetAsyncMetrics/of ^java.util.Map (event-loop) "orders") registry)
     * </pre>
     *
     * @param handle the map; must not be {@code null}
     * @param name   the {@code name} tag; must not be {@code null}
     * @return the binder
     * @throws IllegalArgumentException for any other map
     */
    public static NetAsyncMetrics of(Map<?, ?> handle, String name) {
        Objects.requireNonNull(handle, "handle");
        if (handle.get(Keywords.LOOP) instanceof EventLoop loop) {
            return of(loop, name);
        }
        if (handle.get(Keywords.ACCEPTOR) instanceof AcceptSocket acceptor) {
            return of(acceptor, name);
        }
        if (handle.get(Keywords.STATS) == null) {
            throw new IllegalArgumentException("no net.async numbers in " + handle.keySet()
                    + ": pass what event-loop, accept or connect returns, or what accept-chan yields");
        }
        return of(ClientSocket.of(handle), name);
    }

    /**
     * Tags a connection's meters with {@code remote}: an accepted connection's peer address, or
     * the address a client dials.
     *
     * @return a binder that does
     * @throws IllegalStateException for a loop or an acceptor, which have many peers
     */
    public NetAsyncMetrics withRemoteAddress() {
        if (role != Role.CONNECTION) {
            throw new IllegalStateException("only a connection has one remote address; bind each connection for that");
        }
        return new NetAsyncMetrics(source, role, name, remote, true, maxAge);
    }

    /**
     * How old the snapshot the meters share may be before a reading takes a new one.
     *
     * @param maxAge zero or more; zero reads a new snapshot for every meter
     * @return a binder that does
     * @throws IllegalArgumentException when negative
     */
    public NetAsyncMetrics withMaxAge(Duration maxAge) {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
        }
        return new NetAsyncMetrics(source, role, name, remote, tagRemote, maxAge);
    }

    /** {@return the tags every meter of this binder carries} */
    public Tags tags() {
        Tags tags = Tags.of(Tag.of("role", role.name().toLowerCase(java.util.Locale.ROOT)), Tag.of("name", name));
        return tagRemote ? tags.and("remote", format(remote)) : tags;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        StatsCache cache = new StatsCache(source, maxAge.toNanos());
        Tags tags = tags();
        // strongly held by the registry: the meters stay readable if nobody keeps this binder
        add(registry, Gauge.builder(PREFIX + "connections", cache, c -> c.read(Stats::connections))
                .strongReference(true).tags(tags).description("connections alive now").register(registry));
        counter(registry, cache, tags, "connects", "links that came up", Stats::connects);
        counter(registry, cache, tags, "reconnects", "links that came up after a connection's first",
                Stats::reconnects);
        counter(registry, cache, tags, "dials.failed", "dials or handshakes that failed", Stats::failedDials);
        for (Stats.Cause cause : Stats.Cause.values()) {
            add(registry, FunctionCounter.builder(PREFIX + "disconnects", cache,
                            c -> c.read(s -> s.disconnects().get(cause)))
                    .tags(tags).tag("cause", cause.keyword().getName())
                    .description("links that went down, by cause").register(registry));
        }
        counter(registry, cache, tags, "messages.received", "payloads read from peers", Stats::messagesIn);
        counter(registry, cache, tags, "messages.sent", "payloads written to peers", Stats::messagesOut);
        bytes(registry, cache, tags, "bytes.received", "payload bytes read", Stats::bytesIn);
        bytes(registry, cache, tags, "bytes.sent", "payload bytes written", Stats::bytesOut);
        counter(registry, cache, tags, "heartbeats.received", "heartbeats read", Stats::heartbeatsIn);
        counter(registry, cache, tags, "heartbeats.sent", "heartbeats written", Stats::heartbeatsOut);
        gauge(registry, cache, tags, "messages.unread", "read, waiting for read-chan to take them",
                Stats::waitingIn);
        gauge(registry, cache, tags, "messages.unsent", "taken from write-chan, not yet written or acknowledged",
                Stats::waitingOut);
        counter(registry, cache, tags, "sessions.resumed", "links that resumed a session", Stats::sessionsResumed);
        counter(registry, cache, tags, "sessions.lost", "sessions that could not be resumed, expired or were evicted",
                Stats::sessionsLost);
        counter(registry, cache, tags, "writes.rejected", "write-chan values dropped: not byte[], or over max-frame-size",
                Stats::rejectedWrites);
        if (role.accepts()) {
            counter(registry, cache, tags, "accepted", "links accepted", Stats::accepted);
            counter(registry, cache, tags, "rejected", "links closed at once: max-connections alive", Stats::rejected);
            counter(registry, cache, tags, "sessions.evicted", "detached sessions evicted", Stats::evicted);
            counter(registry, cache, tags, "handshakes.refused", "links closed at once: max-handshakes in handshake",
                    Stats::handshakesRefused);
            counter(registry, cache, tags, "sessions.refused",
                    "new sessions refused: max-pending-sessions wait for accept-chan", Stats::sessionsRefused);
            gauge(registry, cache, tags, "handshaking", "links that have not said HELLO yet", Stats::handshaking);
            gauge(registry, cache, tags, "sessions.pending", "new sessions waiting for accept-chan to take them",
                    Stats::pendingSessions);
        }
    }

    /** Removes every meter this binder registered, from every registry; idempotent. */
    @Override
    public synchronized void close() {
        for (Bound b : bound) {
            b.registry().remove(b.meter());
        }
        bound.clear();
    }

    private void counter(MeterRegistry registry, StatsCache cache, Tags tags, String name, String description,
                         ToLongFunction<Stats> figure) {
        add(registry, FunctionCounter.builder(PREFIX + name, cache, c -> c.read(figure))
                .tags(tags).description(description).register(registry));
    }

    private void bytes(MeterRegistry registry, StatsCache cache, Tags tags, String name, String description,
                       ToLongFunction<Stats> figure) {
        add(registry, FunctionCounter.builder(PREFIX + name, cache, c -> c.read(figure))
                .tags(tags).baseUnit(BaseUnits.BYTES).description(description).register(registry));
    }

    private void gauge(MeterRegistry registry, StatsCache cache, Tags tags, String name, String description,
                       ToLongFunction<Stats> figure) {
        add(registry, Gauge.builder(PREFIX + name, cache, c -> c.read(figure))
                .tags(tags).description(description).register(registry));
    }

    private void add(MeterRegistry registry, Meter meter) {
        bound.add(new Bound(registry, meter));
    }

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return "unix:" + unix.getPath();
        }
        return String.valueOf(address);
    }
}
