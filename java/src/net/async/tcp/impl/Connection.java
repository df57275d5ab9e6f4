/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.SocketAddress;
import java.security.Principal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.async.tcp.Stats;
import net.async.tcp.impl.ControlFrame.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical connection: the user's read-chan and write-chan on one side, the current Netty
 * channel (or none) on the other. A client connection outlives its links and redials; an
 * accepted one ends with its link, unless it carries a session.
 *
 * <pre>
 *              link ready                      link lost / stuck / bad frame
 * CONNECTING ──(TCP, then TLS)──▶ CONNECTED ─────────────────────────────────▶ DISCONNECTED
 *   │    ▲          │ session: HELLO  ▲ WELCOME                                     │
 *   │    │          └──▶ HANDSHAKING ─┘                                            │
 *   │    └───────────────── reconnect-period elapsed (clients only) ───────────────┘
 *   └── dial failed ──▶ DISCONNECTED │
 *                                    │ write-chan closed: flush, then shut down output (FIN);
 *                                    │ session: first every message acknowledged, then BYE
 *                                    ▼
 *                                 CLOSING ── peer closed ──▶ CLOSED
 *
 * accepted connections: link lost ──▶ CLOSED;   any state: shutdown ──▶ CLOSED
 * accepted sessions:    link lost ──▶ DISCONNECTED ── the client resumes ──▶ CONNECTED
 *                                                 └─ session-expiry, eviction ──▶ CLOSED
 * </pre>
 *
 * Every state change the user can see goes through the same {@link Inbox} as the payloads, so
 * {@code :connected} always precedes the messages of its link and {@code :closed} is last.
 *
 * <p>In session mode the outbox keeps each message until the peer acknowledges it, and a
 * {@link SessionProtocol} decides what the session frames mean: every link starts with a
 * handshake that says where each side resumes, acks flow back, a BYE ends the session. A
 * server's sessions are found by id in its {@link SessionTable}.
 *
 * <h2>Threading</h2>
 * All state is confined to the reactor's event loop: methods ending in {@code OnLoop} assert it,
 * Netty calls the handlers there, and core.async callbacks hop onto it.
 */
public final class Connection implements Outbox.Owner, Reactor.Member {
    private enum State { CONNECTING, HANDSHAKING, CONNECTED, DISCONNECTED, CLOSING, CLOSED }

    /** What a lost link means, by the kind of connection: fixed when it is made. */
    private enum AfterLoss {
        /** A client: wait the backoff, dial again. */
        REDIAL,
        /** An accepted session: wait, up to session-expiry, for its client to resume. */
        AWAIT_RESUME,
        /** A plain accepted connection: it ends with its link. */
        END
    }

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final Reactor reactor;
    private final EventLoop loop;
    private final Settings settings;
    private final SessionProtocol protocol; // null in plain mode
    private final Inbox inbox;
    private final Outbox outbox;
    private final Dialer dialer; // null for accepted connections
    private final AfterLoss afterLoss;
    private final Consumer<Connection> onFirstReady; // accepted: announce on accept-chan
    private final Consumer<Connection> onEnd; // accepted: its acceptor forgets it
    private final Counters counters = new Counters();
    private final String name;
    private final AttemptLog attempts = new AttemptLog(this, counters);
    private State state = State.CONNECTING;
    private Channel channel;
    private boolean everReady;
    private boolean disconnectAnnounced;
    private ScheduledFuture<?> redial;
    private Remote lastServer; // a client's: the server its previous link was on
    private volatile SocketAddress server; // a client's: its current or last link's peer, for stats and events

    private Connection(Reactor reactor, EventLoop loop, Object readChan, Object writeChan, Settings settings,
                       DialPlan plan, Consumer<Connection> onFirstReady, Consumer<Connection> onEnd, SessionTable sessions,
                       SessionId sessionId) {
        this.reactor = reactor;
        this.loop = loop;
        this.settings = settings;
        this.protocol = settings.session() == null ? null : new SessionProtocol(this, loop,
                new Session(settings.session(), sessionId != null ? sessionId : SessionId.random()), sessions,
                settings.heartbeatTimeoutMillis());
        // a session's flow control is its acks: it reads on whatever the user does, so that acks are
        // always read, and the peer sends at most its session-buffer of messages nobody has taken
        this.inbox = protocol == null ? new Inbox(readChan, loop, this::setReading, dropped -> { })
                : new Inbox(readChan, loop, open -> { }, dropped -> { }, protocol::deliveredOnLoop);
        this.outbox = new Outbox(writeChan, loop, settings.maxFrameSize(), this,
                protocol == null ? new InFlight() : protocol.session().outbound(), counters);
        this.dialer = plan == null ? null : new Dialer(reactor.transport(), loop, plan, new Initializer());
        this.afterLoss = dialer != null ? AfterLoss.REDIAL : protocol != null ? AfterLoss.AWAIT_RESUME : AfterLoss.END;
        this.onFirstReady = onFirstReady;
        this.onEnd = onEnd;
        this.name = plan == null ? "accepted" : "client->" + dialer;
    }

    /**
     * A client connection; call {@link #start()} to dial.
     *
     * @param reactor              the loop to run on
     * @param readChan             the channel to deliver events and payloads to
     * @param writeChan            the channel to take payloads from
     * @param settings             heartbeat, frame and TLS settings
     * @param plan                 the servers to dial, in which order, and when to redial
     * @return the connection, not yet dialing
     */
    public static Connection client(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                                    DialPlan plan) {
        return new Connection(reactor, reactor.next(), readChan, writeChan, settings, plan, c -> { }, c -> { },
                null, null);
    }

    /**
     * An accepted connection, to be installed on its channel by {@link #initChannel}, on the
     * channel's thread.
     *
     * @param onReady called on the loop once the link is ready (after the TLS handshake, if any);
     *                a link that never gets ready closes without a word to anybody
     */
    static Connection accepted(Reactor reactor, EventLoop loop, Object readChan, Object writeChan, Settings settings,
                               Consumer<Connection> onReady, Consumer<Connection> onEnd) {
        return new Connection(reactor, loop, readChan, writeChan, settings, null, onReady, onEnd, null, null);
    }

    /**
     * An accepted session, named {@code id} by its client; links come to it through its
     * {@link SessionProtocol#attachOnLoop}.
     *
     * @param onReady called on the loop when its first link is attached
     */
    static Connection acceptedSession(Reactor reactor, EventLoop loop, Object readChan, Object writeChan,
                                      Settings settings, SessionTable sessions, SessionId id,
                                      Consumer<Connection> onReady, Consumer<Connection> onEnd) {
        return new Connection(reactor, loop, readChan, writeChan, settings, null, onReady, onEnd, sessions, id);
    }

    /** {@return the session mode's side of this connection, or {@code null} in plain mode} */
    SessionProtocol protocol() {
        return protocol;
    }

    /** {@return the read-chan} */
    public Object readChan() {
        return inbox.chan();
    }

    /** {@return the write-chan} */
    public Object writeChan() {
        return outbox.chan();
    }

    /** Starts dialing; from any thread. Throws {@code IllegalStateException} after shutdown. */
    public void start() {
        reactor.execute(loop, this::dialOnLoop);
    }

    /** {@return the thread this connection lives on, for its whole life} */
    @Override
    public EventLoop loop() {
        return loop;
    }

    /** The current link's peer address, or {@code null} while there is no link. */
    SocketAddress remoteAddress() {
        return channel == null ? null : channel.remoteAddress();
    }

    /**
     * A client's server, from any thread.
     *
     * @return the resolved address of its link while one is up, else of the last one that was;
     *         {@code null} for an accepted connection or before the first link
     */
    public SocketAddress serverAddress() {
        return server;
    }

    /** The TLS peer's identity once the link is ready, or {@code null} without TLS or client certificates. */
    Principal peerPrincipal() {
        return channel == null ? null : Tls.peerPrincipal(channel);
    }

    void initChannel(Channel ch) {
        SslHandler tls = settings.tls() == null ? null
                : dialer == null ? settings.tls().newHandler(ch.alloc())
                : dialer.newTlsHandler(settings.tls(), ch.alloc());
        Pipeline.install(ch.pipeline(), settings, tls, new LinkHandler(), counters);
        // a backlog left from the previous link keeps the new one paused until the user catches up
        ch.config().setAutoRead(protocol != null || !inbox.isBackedUp());
    }

    private void dialOnLoop() {
        assert loop.inEventLoop();
        redial = null;
        if (state == State.CLOSED) {
            return;
        }
        if (!reactor.isRunning()) {
            finishOnLoop(); // started while the loop was shutting down
            return;
        }
        reactor.register(this);
        moveTo(State.CONNECTING);
        dialer.dial(() -> state != State.CLOSED && reactor.isRunning()).addListener(f -> {
            if (!f.isSuccess()) {
                attempts.dialFailed(f.cause());
                linkLostOnLoop();
            }
        });
    }

    /** TCP is up; without TLS the link is ready at once, with TLS once the handshake succeeds. */
    private void linkActiveOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (state == State.CLOSED) {
            ch.close();
            return;
        }
        channel = ch;
        if (settings.tls() == null) {
            linkReadyOnLoop();
        }
    }

    /** TCP is up, and TLS if any: in session mode the handshake comes first. */
    private void linkReadyOnLoop() {
        assert loop.inEventLoop();
        if (protocol != null) {
            protocol.helloOnLoop();
        } else {
            linkUpOnLoop();
        }
    }

    /** The link carries messages from now on. */
    void linkUpOnLoop() {
        assert loop.inEventLoop();
        reactor.register(this);
        boolean first = !everReady;
        everReady = true;
        counters.linkUp(first);
        moveTo(State.CONNECTED);
        disconnectAnnounced = false;
        attempts.reset();
        if (dialer != null) {
            Remote before = dialer.server() == null ? null : lastServer;
            dialer.connected();
            lastServer = dialer.server();
            server = channel.remoteAddress();
            if (dialer.hasSeveralServers() && before != null && !before.equals(lastServer)) {
                log.info("{} now on server {} ({}), was on {}", this, lastServer, channel.remoteAddress(), before);
            }
        }
        log.debug("{} connected to {}", this, channel.remoteAddress());
        if (first) {
            onFirstReady.accept(this);
        }
        inbox.deliver(Keywords.CONNECTED);
        outbox.attach(channel);
        if (protocol != null) {
            protocol.byeIfDoneOnLoop();
        }
    }

    private void linkDownOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (ch != channel) {
            return;
        }
        channel = null;
        outbox.detach();
        if (state == State.CONNECTED) { // not when we closed it ourselves (CLOSING, or CLOSED and counted)
            // a shutdown closes both ends of a loop's own links: the far end's close may be read first
            counters.disconnected(reactor.isRunning() ? LinkEnd.of(ch) : Stats.Cause.SHUTDOWN);
        }
        if (protocol != null) {
            protocol.linkDownOnLoop(state == State.HANDSHAKING);
        }
        if (afterLoss == AfterLoss.END && !everReady) {
            closeUnannouncedOnLoop();
            return;
        }
        linkLostOnLoop();
    }

    /** An accepted link that failed before it was ready (TLS): nobody ever saw its channels. */
    private void closeUnannouncedOnLoop() {
        assert loop.inEventLoop();
        moveTo(State.CLOSED);
        reactor.totals().retireOnLoop(loop, counters);
        onEnd.accept(this);
        Chans.close(inbox.chan());
        Chans.close(outbox.chan());
        reactor.unregister(this);
    }

    private void linkLostOnLoop() {
        assert loop.inEventLoop();
        if (state == State.CLOSED) {
            return;
        }
        boolean goodbyeLost = state == State.CLOSING && protocol != null && protocol.awaitsGoodbyeOnLoop();
        // shutting down: its own shutdown task is on its way, and read-chan's next value must be :closed
        if ((state == State.CLOSING && !goodbyeLost) || afterLoss == AfterLoss.END || !reactor.isRunning()) {
            finishOnLoop();
            return;
        }
        moveTo(State.DISCONNECTED);
        announceDisconnectOnLoop();
        switch (afterLoss) {
            case REDIAL -> redial = loop.schedule(this::dialOnLoop, dialer.nextDelayMillis(), TimeUnit.MILLISECONDS);
            case AWAIT_RESUME -> protocol.detachedOnLoop();
            case END -> throw new AssertionError("ended above");
        }
        outbox.pump(); // keeps watching write-chan: closing it must end a connection that is not up
    }

    private void announceDisconnectOnLoop() {
        assert loop.inEventLoop();
        if (!disconnectAnnounced) {
            disconnectAnnounced = true;
            inbox.deliver(Keywords.DISCONNECTED);
        }
    }

    @Override
    public void onWriteChanClosed() {
        assert loop.inEventLoop();
        if (state == State.CLOSED) {
            return; // the take that saw write-chan closed by our own finish
        }
        if (protocol != null) {
            protocol.writeChanClosedOnLoop();
        } else if (state == State.CONNECTED) {
            // completes after every earlier write, so all that was written reaches the socket first
            moveTo(State.CLOSING);
            Channel ch = channel;
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> closeGracefullyOnLoop(ch));
        } else if (state != State.CLOSING) {
            finishOnLoop();
        }
    }

    /**
     * Sends FIN, then reads and drops whatever still arrives until the peer closes too. A plain
     * close with unread input sends RST instead, and an RST makes the peer discard what it has not
     * read yet: our last messages. A peer that goes silent is dropped as stuck, as ever.
     */
    void closeGracefullyOnLoop(Channel ch) {
        assert loop.inEventLoop();
        ((DuplexChannel) ch).shutdownOutput();
        ch.config().setAutoRead(true);
    }

    @Override
    public void shutdownOnLoop() {
        assert loop.inEventLoop();
        if (channel != null) {
            if (state == State.CONNECTED) {
                counters.disconnected(Stats.Cause.SHUTDOWN); // now: its end is counted before the totals are
            }
            channel.close();
        }
        finishOnLoop();
    }

    /** The end, whatever the cause: {@code :closed} is the last value read-chan yields, then it closes. */
    void finishOnLoop() {
        assert loop.inEventLoop();
        if (state == State.CLOSED) {
            return;
        }
        moveTo(State.CLOSED);
        if (redial != null) {
            redial.cancel(false);
        }
        if (protocol != null) {
            protocol.finishedOnLoop();
        }
        reactor.totals().retireOnLoop(loop, counters);
        onEnd.accept(this);
        log.debug("{} closed", this);
        inbox.deliver(Keywords.CLOSED);
        inbox.closeWhenDrained();
        Chans.close(outbox.chan());
        releaseParkedWrites();
        reactor.unregister(this);
    }

    /**
     * close! fails pending takes but leaves parked puts parked until someone takes them: a writer
     * whose put was waiting (socket full, or between two takes) when the connection ended would
     * wait forever. Take them: they complete, and their values go the way of any message in
     * flight when a connection ends. At most 1024 puts can park on a channel.
     */
    private void releaseParkedWrites() {
        while (Chans.poll(outbox.chan()) != null) {
            // dropped: nothing will ever send it
        }
    }

    private void setReading(boolean open) {
        if (channel != null && state != State.CLOSING) {
            channel.config().setAutoRead(open);
        }
    }

    // ---- what the session protocol asks of the link ----

    /** {@return the current link, or {@code null} while there is none} */
    Channel link() {
        return channel;
    }

    boolean isUp() {
        return state == State.CONNECTED;
    }

    boolean isHandshaking() {
        return state == State.HANDSHAKING;
    }

    boolean isClosing() {
        return state == State.CLOSING;
    }

    /** On the connection's thread: whether it has ended. */
    boolean isClosed() {
        return state == State.CLOSED;
    }

    void handshakingOnLoop() {
        assert loop.inEventLoop();
        moveTo(State.HANDSHAKING);
    }

    /** The link's end will be the connection's end: the session is saying goodbye, or was told it. */
    void closingOnLoop() {
        assert loop.inEventLoop();
        moveTo(State.CLOSING);
    }

    void deliverOnLoop(Object event) {
        assert loop.inEventLoop();
        inbox.deliver(event);
    }

    void pumpOnLoop() {
        assert loop.inEventLoop();
        outbox.pump();
    }

    /** Server: {@code ch} carries this session from now on; an older link still attached is closed. */
    void replaceLinkOnLoop(Channel ch, ChannelHandler handshake) {
        assert loop.inEventLoop();
        if (channel != null) {
            Channel old = channel;
            channel = null;
            outbox.detach();
            counters.disconnected(Stats.Cause.PEER_CLOSED); // the peer left it for this one
            old.close();
            log.debug("{} taken over by a new link from {}", this, ch.remoteAddress());
            announceDisconnectOnLoop();
        }
        channel = ch;
        Pipeline.attachAfterHello(ch.pipeline(), handshake, new LinkHandler(), counters);
    }

    /** {@return the log of this client's failed attempts, which the session protocol adds to} */
    AttemptLog attempts() {
        return attempts;
    }

    // ---- what the numbers a user can watch are made of ----

    Counters counters() {
        return counters;
    }

    /** Adds this connection's counts to {@code sum}, on its thread. */
    void addStatsOnLoop(Counters sum) {
        assert loop.inEventLoop();
        sum.add(counters);
    }

    int waitingIn() {
        return inbox.waiting();
    }

    int waitingOut() {
        return outbox.waiting();
    }

    /**
     * This connection's snapshot, read on its thread; blocks: never call it from another event loop.
     *
     * @return the snapshot
     */
    public Stats stats() {
        if (loop.inEventLoop()) {
            return statsOnLoop();
        }
        try {
            return loop.submit(this::statsOnLoop).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            return counters.snapshot(State.CLOSED.name().toLowerCase(java.util.Locale.ROOT), 0, 0, 0, AcceptorCounts.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading stats", e);
        }
    }

    /** The one place {@code state} changes: every transition of the diagram above passes here. */
    private void moveTo(State next) {
        assert loop.inEventLoop();
        if (log.isTraceEnabled()) {
            log.trace("{} {} -> {}", this, state, next);
        }
        state = next;
    }

    private Stats statsOnLoop() {
        assert loop.inEventLoop();
        return counters.snapshot(state.name().toLowerCase(java.util.Locale.ROOT), state == State.CLOSED ? 0 : 1,
                waitingIn(), waitingOut(), AcceptorCounts.NONE, server);
    }

    /** Server: the session is lost to its client (expired, evicted, or its acceptor stopped), and ends. */
    void loseSessionOnLoop() {
        assert loop.inEventLoop();
        if (state != State.CLOSED) {
            counters.sessionLost();
        }
        finishOnLoop();
    }

    @Override
    public void beforeFlush(Channel ch) {
        if (protocol != null) {
            protocol.beforeFlushOnLoop(ch);
        }
    }

    @Override
    public String toString() {
        String what = protocol == null ? name : name + " " + protocol;
        return channel == null ? "[" + what + "]"
                : "[" + what + " " + channel.localAddress() + " <-> " + channel.remoteAddress() + "]";
    }

    /** Installs a fresh pipeline on each client link. */
    private final class Initializer extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            Connection.this.initChannel(ch);
        }
    }

    /** The last handler of one link's pipeline; forwards what happens on that link. */
    private final class LinkHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            linkActiveOnLoop(ctx.channel());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof SslHandshakeCompletionEvent handshake) || ctx.channel() != channel) {
                ctx.fireUserEventTriggered(evt);
            } else if (handshake.isSuccess()) {
                linkReadyOnLoop();
            } else {
                // a client retrying against the same bad certificate says so once per loss, not per attempt
                if (!disconnectAnnounced) {
                    log.warn("{} TLS handshake failed: {}", Connection.this, Failures.reason(handshake.cause()));
                } else {
                    log.debug("{} TLS handshake failed again: {}", Connection.this, Failures.reason(handshake.cause()));
                }
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ctx.channel() != channel) {
                return; // a link taken over, decoding what it still held as it closed
            }
            if (!(msg instanceof byte[] payload)) {
                protocol.controlOnLoop((ControlFrame) msg);
                return;
            }
            counters.messageIn(payload.length);
            if (state != State.CLOSING && (protocol == null || protocol.payloadOnLoop())) {
                inbox.stage(payload); // not after our FIN or our BYE: the peer knows what was taken
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                inbox.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            linkDownOnLoop(ctx.channel());
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && ctx.channel() == channel) {
                outbox.pump();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Failures.log(log, Connection.this, cause);
            LinkEnd.note(ctx.channel(), Failures.cause(cause));
            if (cause instanceof SessionMismatchException mismatch && mismatch.peerAskedForSession()) {
                ServerHandshake.refuse(ctx.channel(), Refused.SESSION_OFF); // so the peer can say why
            } else {
                ctx.close();
            }
        }
    }
}
