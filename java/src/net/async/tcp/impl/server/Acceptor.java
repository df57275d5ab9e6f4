/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.Errors;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.async.tcp.impl.Checks;
import net.async.tcp.impl.Hop;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.chan.Inbox;
import net.async.tcp.impl.chan.Keywords;
import net.async.tcp.impl.link.Connection;
import net.async.tcp.impl.link.LinkMove;
import net.async.tcp.impl.link.Pipeline;
import net.async.tcp.impl.link.PlainMode;
import net.async.tcp.impl.link.Settings;
import net.async.tcp.impl.link.Tls;
import net.async.tcp.impl.loop.Reactor;
import net.async.tcp.impl.loop.Remote;
import net.async.tcp.impl.loop.Transport;
import net.async.tcp.impl.loop.UnixSocketFile;
import net.async.tcp.impl.session.ServerSession;
import net.async.tcp.impl.session.SessionProtocol;
import net.async.tcp.impl.stats.AcceptorCounts;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.stats.StatsCollector;
import net.async.tcp.impl.wire.SessionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket. Each accepted link becomes an accepted {@link Connection}, announced on
 * accept-chan as {@code {:read-chan <chan> :write-chan <chan>}}.
 *
 * <p>While accept-chan does not take, the listening socket stops accepting (its auto-read is
 * off), so pending connections wait in the kernel's backlog. Not in session mode: there a client
 * resuming its session must never wait behind new ones, so links are always accepted and read
 * up to their HELLO, a resume attaches at once, and only new sessions wait for accept-chan, as
 * far as {@link Admission} lets them. Closing accept-chan closes the
 * listening socket and frees the port; connections already accepted go on. core.async has no
 * close notification, so the acceptor looks at accept-chan every {@value #CLOSED_CHECK_MILLIS} ms.
 * A connection is announced once its link is ready, after the TLS handshake if there is one, with
 * the peer's address as {@code :remote-address} and, with TLS client authentication, its
 * certificate principal as {@code :peer-principal}. Who is let in at all is its
 * {@link Admission}'s to say.
 *
 * <h2>Threading</h2>
 * {@link #bind} runs on the caller's thread and blocks until the port is bound; everything after
 * that is confined to the reactor's event loop; accepted links are on every thread, and what they
 * share ({@link Admission}, the table of sessions, the set of connections) is thread-safe.
 */
public final class Acceptor implements Reactor.Listener {
    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);
    static final long CLOSED_CHECK_MILLIS = 50;
    private static final int EADDRINUSE = 98;
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Reactor reactor;
    private final EventLoop loop; // the listening socket's thread, and accept-chan's
    private final Settings settings;
    private final Supplier<Object> readChanFactory;
    private final Supplier<Object> writeChanFactory;
    private final Inbox accepted;
    private final SessionTable sessions; // null without session mode
    private final LinkMove move; // null without session mode
    private final Admission admission;
    // its connections alive, on every thread, and the counts of those that have ended
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Counters.Totals ended = new Counters.Totals();
    private Channel server;
    private Path unixPath; // a Unix socket's file; set by bind before the loop sees this acceptor
    private ScheduledFuture<?> closedCheck;

    /**
     * An acceptor, not yet bound; call {@link #bind}.
     *
     * @param reactor          the loop to run on
     * @param acceptChan       the channel to announce accepted connections on
     * @param readChanFactory  makes each accepted connection's read-chan, on the loop
     * @param writeChanFactory makes each accepted connection's write-chan, on the loop
     * @param settings         what every accepted connection is configured with
     * @param maxConnections   accepted connections alive at once; more are closed at once and counted
     * @param limits           the bounds of the detached sessions kept, used in session mode only
     * @param admission        what may wait for accept-chan, used in session mode only
     */
    public Acceptor(Reactor reactor, Object acceptChan, Supplier<Object> readChanFactory,
                    Supplier<Object> writeChanFactory, Settings settings, int maxConnections,
                    DetachedLimits limits, AdmissionLimits admission) {
        this.reactor = reactor;
        this.loop = reactor.next();
        this.settings = settings;
        this.readChanFactory = readChanFactory;
        this.writeChanFactory = writeChanFactory;
        this.admission = new Admission(maxConnections, settings.session() == null ? null : admission,
                () -> server.localAddress());
        if (settings.session() == null) {
            this.sessions = null;
            this.move = null;
            this.accepted = new Inbox(acceptChan, loop, this::setAccepting, Acceptor::closeUnclaimed);
        } else {
            this.sessions = new SessionTable(this::openSession, settings.session().expiryMillis(), limits.sessions(),
                    limits.bytes());
            this.move = new LinkMove(settings);
            this.accepted = new Inbox(acceptChan, loop, open -> { }, Acceptor::closeUnclaimed,
                    announced -> this.admission.announced());
        }
    }

    /**
     * How many detached sessions an acceptor keeps, and how many bytes their outboxes may hold,
     * before it evicts the oldest.
     *
     * @param sessions detached sessions kept; must be &gt; 0
     * @param bytes    bytes their outboxes may hold together; must be &gt; 0
     */
    public record DetachedLimits(int sessions, long bytes) {
        /** Detached sessions kept unless configured. */
        public static final int DEFAULT_SESSIONS = 10_000;
        /** Bytes detached sessions may hold unless configured: 256 MiB. */
        public static final long DEFAULT_BYTES = 256L * 1024 * 1024;

        /**
         * Validates the values.
         *
         * @param sessions detached sessions kept; must be &gt; 0
         * @param bytes    bytes their outboxes may hold together; must be &gt; 0
         * @throws IllegalArgumentException naming the value at fault
         */
        public DetachedLimits {
            Checks.positive(sessions, "max-detached-sessions");
            Checks.positive(bytes, "max-detached-bytes");
        }
    }

    /** {@return accept-chan} */
    public Object acceptChan() {
        return accepted.chan();
    }

    /**
     * Binds at once, on the caller's thread, and returns the bound port. A Unix socket's leftover
     * file from a process that died is removed first ({@link UnixSocketFile}).
     *
     * @param at the address to bind: a port (0 for any free one), or a Unix socket's path
     * @return the bound port; 0 for a Unix socket
     * @throws BindException when the address is in use or cannot be assigned, as the original did
     * @throws IllegalStateException when the event loop is shut down, as for a client
     */
    public int bind(Remote at) throws BindException {
        if (!reactor.isRunning()) {
            // checked first: Netty would log a stack trace for a channel a dead loop cannot register
            throw new IllegalStateException("event loop is shut down");
        }
        if (at.isUnix()) {
            UnixSocketFile.clearStale(at.path());
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop, reactor.group()) // accepted links are spread over every thread
                .channel(reactor.transport().serverChannel(at))
                .childOption(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, Transport.READ_SIZES);
        if (!at.isUnix()) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
        }
        bootstrap.handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel listening) {
                        // on the loop, at registration, so before the bind: no accept can see it unset
                        server = listening;
                    }
                })
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel child) {
                        acceptOnLoop(child);
                    }
                });
        ChannelFuture bound = bootstrap.bind(at.toBindAddress(reactor.transport())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            if (bound.cause() instanceof RejectedExecutionException) {
                throw new IllegalStateException("event loop is shut down", bound.cause());
            }
            throw failOnBind(at, bound.cause());
        }
        unixPath = at.path();
        reactor.execute(loop, this::startOnLoop);
        return at.isUnix() ? 0 : ((InetSocketAddress) bound.channel().localAddress()).getPort();
    }

    private void startOnLoop() {
        assert loop.inEventLoop();
        if (!reactor.isRunning()) {
            shutdownOnLoop();
            return;
        }
        reactor.register(this);
        closedCheck = loop.scheduleAtFixedRate(() -> {
            if (Chans.isClosed(accepted.chan())) {
                shutdownOnLoop();
            }
        }, CLOSED_CHECK_MILLIS, CLOSED_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Connections refused because {@code maxConnections} were alive; any thread.
     *
     * @return the count since the acceptor was made
     */
    public long rejectedCount() {
        return admission.rejected();
    }

    /**
     * Detached sessions evicted because the table of them was over its bounds; any thread.
     *
     * @return the count since the acceptor was made; 0 without session mode
     */
    public long evictedCount() {
        return sessions == null ? 0 : sessions.evictedCount();
    }

    /** A new link, on the thread it was given (any of the loop's): count it, and give it its pipeline. */
    private void acceptOnLoop(Channel child) {
        assert child.eventLoop().inEventLoop();
        if (!server.isOpen()) {
            child.close();
            return;
        }
        if (!admission.admitLink(child)) {
            return;
        }
        if (sessions != null) {
            awaitHelloOnLoop(child);
            return;
        }
        Connection connection = Connection.accepted(reactor, child.eventLoop(), readChanFactory.get(),
                writeChanFactory.get(), settings, PlainMode::new, this::announce, this::ended, false);
        connections.add(connection);
        connection.initChannel(child);
    }

    /** A session link belongs to no connection until its HELLO says which session it carries. */
    private void awaitHelloOnLoop(Channel child) {
        assert child.eventLoop().inEventLoop();
        if (!admission.startHandshake(child)) {
            return; // the client retries with its backoff
        }
        ServerHandshake handshake = new ServerHandshake(sessions, move, settings.heartbeatTimeoutMillis(),
                admission::handshakeEnded);
        child.closeFuture().addListener(f -> handshake.end());
        Pipeline.installAwaitingHello(child.pipeline(), settings,
                settings.tls() == null ? null : settings.tls().newHandler(child.alloc()), handshake);
    }

    /** {@return a new session, or {@code null} when max-pending-sessions already wait for accept-chan} */
    private ServerSession openSession(SessionId id, EventLoop on) {
        if (!admission.openSession(id)) {
            return null;
        }
        SessionProtocol session = SessionProtocol.accept(reactor, on, readChanFactory.get(), writeChanFactory.get(),
                settings, id, sessions, this::announce, this::ended);
        connections.add(session.connection());
        return session;
    }

    /** The link is ready (after TLS, if any), on the connection's thread: hand the connection to the user. */
    private void announce(Connection connection) {
        Channel link = connection.link();
        Object socket = Keywords.socketMap(connection.readChan(), connection.writeChan(), link.remoteAddress(),
                Tls.peerPrincipal(link), connection::stats);
        Hop.onto(loop, () -> accepted.deliver(socket)); // accept-chan is fed from the acceptor's thread only
    }

    /** One of its connections has ended, on that connection's thread. */
    private void ended(Connection connection) {
        ended.retireOnLoop(connection.loop(), connection.counters());
        connections.remove(connection);
    }

    /**
     * What this acceptor and its connections have done; blocks while each thread reads its own.
     *
     * @return the snapshot, the ended connections' counts included
     * @throws IllegalStateException when called on an event loop
     */
    public net.async.tcp.Stats stats() {
        StatsCollector collector = new StatsCollector();
        collector.collect(reactor.group(), new ArrayList<>(connections), ended);
        return collector.snapshot(server.isOpen() ? "accepting" : "closed", counts());
    }

    /** {@return what this acceptor counts beside its connections, for its stats and its loop's} */
    @Override
    public AcceptorCounts counts() {
        return admission.counts(evictedCount());
    }

    private void setAccepting(boolean open) {
        server.config().setAutoRead(open);
    }

    /**
     * Closes accept-chan and the listening socket; from any thread. Waits for the port to be
     * free unless called on the loop itself, where it is freed before the current task ends.
     */
    public void close() {
        Chans.close(accepted.chan());
        if (loop.inEventLoop()) {
            shutdownOnLoop();
        } else if (!loop.isShuttingDown()) {
            loop.submit(this::shutdownOnLoop).awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void shutdownOnLoop() {
        assert loop.inEventLoop();
        if (closedCheck != null) {
            closedCheck.cancel(false);
        }
        if (server.isOpen()) {
            log.debug("[acceptor {}] closed", server.localAddress());
            server.close();
            deleteUnixSocketFile();
        }
        if (sessions != null) {
            sessions.stop();
        }
        // ends the user's accept loops; later arrivals are closed as unclaimed
        accepted.closeWhenDrained();
        reactor.unregister(this);
    }

    /** The file of a Unix socket goes with its listener, whichever transport would have left it. */
    private void deleteUnixSocketFile() {
        if (unixPath != null) {
            try {
                UnixSocketFile.delete(unixPath);
            } catch (BindException e) {
                log.warn("[acceptor unix:{}] closed, but its file stays: {}", unixPath, e.getMessage());
            }
        }
    }

    /** A connection announced on an accept-chan that the user closed: nobody will ever use it. */
    private static void closeUnclaimed(Object socket) {
        Chans.close(((Map<?, ?>) socket).get(Keywords.WRITE_CHAN));
    }

    private static BindException failOnBind(Remote at, Throwable cause) {
        if (cause instanceof BindException bind) {
            return bind;
        }
        boolean inUse = cause instanceof Errors.NativeIoException nativeError
                && nativeError.expectedErr() == -EADDRINUSE;
        BindException bind = new BindException((inUse ? "Address already in use: " : "Cannot bind ") + at
                + " (" + cause.getMessage() + ")");
        bind.initCause(cause);
        return bind;
    }
}
