/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import net.async.tcp.impl.ControlFrame.Ack;
import net.async.tcp.impl.ControlFrame.Bye;
import net.async.tcp.impl.ControlFrame.Refused;
import net.async.tcp.impl.ControlFrame.Welcome;
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
 * <p>In session mode ({@link Session}) the outbox keeps each message until the peer acknowledges
 * it, and every link starts with a handshake that says where each side resumes: the client
 * sends HELLO, the server answers WELCOME, each drops what the other has and sends the rest.
 * A server's sessions are found by id in its {@link SessionTable}.
 *
 * <h2>Threading</h2>
 * All state is confined to the reactor's event loop: methods ending in {@code OnLoop} assert it,
 * Netty calls the handlers there, and core.async callbacks hop onto it.
 */
public final class Connection implements Outbox.Owner, Reactor.Member {
    private enum State { CONNECTING, HANDSHAKING, CONNECTED, DISCONNECTED, CLOSING, CLOSED }

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final Reactor reactor;
    private final EventLoop loop;
    private final Settings settings;
    private final Session session; // null in plain mode
    private final SessionTable sessions; // the table of an accepted session, else null
    private final Inbox inbox;
    private final Outbox outbox;
    private final Dialer dialer; // null for accepted connections
    private final Consumer<Connection> onFirstReady; // accepted: announce on accept-chan
    private final String name;
    // a server that stays away: the first failed dial after a loss at INFO, then one a minute
    private final LogThrottle dialFailureLog = new LogThrottle(1, TimeUnit.MINUTES);
    private State state = State.CONNECTING;
    private Channel channel;
    private boolean everReady;
    private boolean disconnectAnnounced;
    private int failedDials;
    private ScheduledFuture<?> redial;
    // session mode only
    private ScheduledFuture<?> handshakeTimeout; // client: no WELCOME yet
    private ScheduledFuture<?> expiry; // server: detached
    private ScheduledFuture<?> closeDeadline; // write-chan closed, the peer has not acknowledged everything yet
    private boolean closeRequested;
    private boolean ackArmed;

    private Connection(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                       String host, int port, ReconnectPolicy reconnect, int connectTimeoutMillis,
                       Consumer<Connection> onFirstReady, SessionTable sessions, SessionId sessionId) {
        this.reactor = reactor;
        this.loop = reactor.loop();
        this.settings = settings;
        this.session = settings.session() == null ? null
                : new Session(settings.session(), sessionId != null ? sessionId : SessionId.random());
        this.sessions = sessions;
        // a session's flow control is its acks: it reads on whatever the user does, so that acks are
        // always read, and the peer sends at most its session-buffer of messages nobody has taken
        this.inbox = session == null ? new Inbox(readChan, loop, this::setReading, dropped -> { })
                : new Inbox(readChan, loop, open -> { }, dropped -> { }, this::deliveredOnLoop);
        this.outbox = new Outbox(writeChan, loop, settings.maxFrameSize(), this,
                session == null ? new InFlight() : session.outbound());
        this.dialer = host == null ? null : new Dialer(reactor, host, port, reconnect, connectTimeoutMillis,
                new Initializer());
        this.onFirstReady = onFirstReady;
        this.name = host == null ? "accepted" : "client->" + dialer;
    }

    /**
     * A client connection; call {@link #start()} to dial.
     *
     * @param reactor              the loop to run on
     * @param readChan             the channel to deliver events and payloads to
     * @param writeChan            the channel to take payloads from
     * @param settings             heartbeat, frame and TLS settings
     * @param host                 the server's host name or address
     * @param port                 the server's port
     * @param reconnect            when to redial
     * @param connectTimeoutMillis milliseconds a dial may take
     * @return the connection, not yet dialing
     */
    public static Connection client(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                                    String host, int port, ReconnectPolicy reconnect, int connectTimeoutMillis) {
        return new Connection(reactor, readChan, writeChan, settings, host, port, reconnect, connectTimeoutMillis,
                c -> { }, null, null);
    }

    /**
     * An accepted connection, to be installed on its channel by {@link #initChannel}.
     *
     * @param onReady called on the loop once the link is ready (after the TLS handshake, if any);
     *                a link that never gets ready closes without a word to anybody
     */
    static Connection accepted(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                               Consumer<Connection> onReady) {
        return new Connection(reactor, readChan, writeChan, settings, null, 0, null, 0, onReady, null, null);
    }

    /**
     * An accepted session, named {@code id} by its client; links come to it through {@link #attachOnLoop}.
     *
     * @param onReady called on the loop when its first link is attached
     */
    static Connection acceptedSession(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                                      SessionTable sessions, SessionId id, Consumer<Connection> onReady) {
        return new Connection(reactor, readChan, writeChan, settings, null, 0, null, 0, onReady, sessions, id);
    }

    /** {@return the session this connection carries, or {@code null} in plain mode} */
    Session session() {
        return session;
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
        reactor.execute(this::dialOnLoop);
    }

    /** The current link's peer address, or {@code null} while there is no link. */
    SocketAddress remoteAddress() {
        return channel == null ? null : channel.remoteAddress();
    }

    /** The TLS peer's identity once the link is ready, or {@code null} without TLS or client certificates. */
    Principal peerPrincipal() {
        return channel == null ? null : Tls.peerPrincipal(channel);
    }

    void initChannel(Channel ch) {
        SslHandler tls = settings.tls() == null ? null
                : dialer == null ? settings.tls().newHandler(ch.alloc())
                : dialer.newTlsHandler(settings.tls(), ch.alloc());
        Pipeline.install(ch.pipeline(), settings, tls, new LinkHandler());
        // a backlog left from the previous link keeps the new one paused until the user catches up
        ch.config().setAutoRead(session != null || !inbox.isBackedUp());
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
        state = State.CONNECTING;
        ChannelFuture attempt = dialer.dial();
        attempt.addListener(f -> {
            if (!f.isSuccess()) {
                logFailedDial(f.cause());
                linkLostOnLoop();
            }
        });
    }

    /**
     * A server that stays away must not fill the log: the first failed dial after a loss is
     * logged at INFO, then one line a minute while it lasts; every attempt at DEBUG.
     */
    private void logFailedDial(Throwable cause) {
        failedDials++;
        if (dialFailureLog.allow()) {
            log.info("{} cannot connect ({} attempt{} so far): {}", this, failedDials, failedDials == 1 ? "" : "s",
                    Failures.reason(cause));
        } else {
            Failures.log(log, this, cause);
        }
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
        if (session != null) {
            helloOnLoop();
        } else {
            linkUpOnLoop();
        }
    }

    /** The link carries messages from now on. */
    private void linkUpOnLoop() {
        reactor.register(this);
        boolean first = !everReady;
        everReady = true;
        state = State.CONNECTED;
        disconnectAnnounced = false;
        failedDials = 0;
        dialFailureLog.reset();
        if (dialer != null) {
            dialer.connected();
        }
        log.debug("{} connected to {}", this, channel.remoteAddress());
        if (first) {
            onFirstReady.accept(this);
        }
        inbox.deliver(Keywords.CONNECTED);
        outbox.attach(channel);
        if (session != null) {
            byeIfDoneOnLoop();
        }
    }

    private void linkDownOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (ch != channel) {
            return;
        }
        channel = null;
        outbox.detach();
        if (state == State.HANDSHAKING) {
            cancel(handshakeTimeout);
            logFailedHandshake("the server closed the link during the session handshake: if this goes on, "
                    + "it has :session off or is net.async 0.1.1");
        }
        if (dialer == null && !everReady && session == null) {
            closeUnannouncedOnLoop();
            return;
        }
        linkLostOnLoop();
    }

    /** An accepted link that failed before it was ready (TLS): nobody ever saw its channels. */
    private void closeUnannouncedOnLoop() {
        state = State.CLOSED;
        Chans.close(inbox.chan());
        Chans.close(outbox.chan());
        reactor.unregister(this);
    }

    private void linkLostOnLoop() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CLOSING || (dialer == null && session == null)) {
            finishOnLoop();
            return;
        }
        state = State.DISCONNECTED;
        announceDisconnectOnLoop();
        if (dialer != null) {
            redial = loop.schedule(this::dialOnLoop, dialer.nextDelayMillis(), TimeUnit.MILLISECONDS);
        } else {
            expiry = loop.schedule(this::expireOnLoop, session.settings().expiryMillis(), TimeUnit.MILLISECONDS);
            sessions.detached(this);
        }
        outbox.pump(); // keeps watching write-chan: closing it must end a connection that is not up
    }

    private void announceDisconnectOnLoop() {
        if (!disconnectAnnounced) {
            disconnectAnnounced = true;
            inbox.deliver(Keywords.DISCONNECTED);
        }
    }

    @Override
    public void onWriteChanClosed() {
        assert loop.inEventLoop();
        if (session != null) {
            closeSessionOnLoop();
        } else if (state == State.CONNECTED) {
            // completes after every earlier write, so all that was written reaches the socket first
            state = State.CLOSING;
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
    private void closeGracefullyOnLoop(Channel ch) {
        assert loop.inEventLoop();
        ((DuplexChannel) ch).shutdownOutput();
        ch.config().setAutoRead(true);
    }

    @Override
    public void shutdownOnLoop() {
        assert loop.inEventLoop();
        if (channel != null) {
            channel.close();
        }
        finishOnLoop();
    }

    private void finishOnLoop() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancel(redial);
        cancel(handshakeTimeout);
        cancel(expiry);
        cancel(closeDeadline);
        if (sessions != null) {
            sessions.remove(this);
        }
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

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void setReading(boolean open) {
        if (channel != null && state != State.CLOSING) {
            channel.config().setAutoRead(open);
        }
    }

    // ---- session mode: handshake ----

    /** Client: the first frame on a new link resumes the session, or opens one. */
    private void helloOnLoop() {
        state = State.HANDSHAKING;
        Channel ch = channel;
        ch.writeAndFlush(session.hello().encode(ch.alloc()), ch.voidPromise());
        cancel(handshakeTimeout);
        handshakeTimeout = loop.schedule(() -> {
            if (ch == channel && state == State.HANDSHAKING) {
                logFailedHandshake("no answer to the session hello within heartbeat-timeout");
                ch.close();
            }
        }, settings.heartbeatTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    /** Client: the server's answer; it holds the session, new or not, and says where to resume. */
    private void welcomedOnLoop(Welcome welcome) {
        cancel(handshakeTimeout);
        if (!welcome.id().equals(session.id())) {
            protocolErrorOnLoop("WELCOME for session " + welcome.id() + ", not ours");
            return;
        }
        if (!isPossiblePosition(welcome.received())) {
            protocolErrorOnLoop("WELCOME resumes at position " + welcome.received() + ", outside "
                    + session.outbound().acked() + ".." + session.outbound().sent());
            return;
        }
        session.outbound().ackTo(welcome.received());
        session.welcomed(welcome.window());
        linkUpOnLoop();
    }

    /**
     * Client: the server does not hold the session any more. A new one starts on the same link,
     * carrying again what the old one had not seen acknowledged: where a message may arrive twice.
     */
    private void sessionLostOnLoop() {
        SessionId lost = session.id();
        session.restart();
        log.warn("{} session {} could not be resumed (the server restarted, or it expired): {} unacknowledged "
                + "message(s) sent again on the new session, where the server may see them a second time",
                this, lost, session.outbound().size());
        inbox.deliver(Keywords.SESSION_LOST);
        helloOnLoop();
    }

    /**
     * Server: a link whose HELLO opened this session or resumes it takes it over; an older link
     * still attached is closed first, and the user sees it go.
     *
     * @param handshake    the link's handshake handler, replaced by this connection's
     * @param peerReceived where the client resumes: the messages of ours it has (0 for a new session)
     * @param peerWindow   the client's session buffer, in bytes
     * @param existed      whether the session existed before this HELLO
     * @return false when {@code peerReceived} is impossible: the link is refused and the session untouched
     */
    boolean attachOnLoop(Channel ch, ChannelHandler handshake, long peerReceived, int peerWindow, boolean existed) {
        assert loop.inEventLoop();
        if (!isPossiblePosition(peerReceived)) {
            log.warn("{} HELLO from {} resumes at position {}, outside {}..{}: refused", this, ch.remoteAddress(),
                    peerReceived, session.outbound().acked(), session.outbound().sent());
            ServerHandshake.refuse(ch, ControlFrame.Refused.BAD_POSITION);
            return false;
        }
        if (channel != null) {
            Channel old = channel;
            channel = null;
            outbox.detach();
            old.close();
            log.debug("{} taken over by a new link from {}", this, ch.remoteAddress());
            announceDisconnectOnLoop();
        }
        cancel(expiry);
        sessions.attached(this);
        session.outbound().ackTo(peerReceived);
        session.welcomed(peerWindow);
        channel = ch;
        ch.pipeline().remove(handshake);
        ch.pipeline().addLast("connection", new LinkHandler());
        ch.writeAndFlush(session.welcome(existed).encode(ch.alloc()), ch.voidPromise());
        linkUpOnLoop();
        return true;
    }

    /** A peer's position must lie between what it acknowledged and what we sent. */
    private boolean isPossiblePosition(long peerReceived) {
        return peerReceived >= session.outbound().acked() && peerReceived <= session.outbound().sent();
    }

    private void logFailedHandshake(String why) {
        failedDials++;
        if (dialFailureLog.allow()) {
            log.info("{} session handshake failed ({} attempt{} so far): {}", this, failedDials,
                    failedDials == 1 ? "" : "s", why);
        } else {
            log.debug("{} session handshake failed: {}", this, why);
        }
    }

    // ---- session mode: frames on an established link ----

    private void payloadOnLoop(byte[] payload) {
        if (state == State.CLOSING) {
            return; // after our FIN, or our BYE: not taken, and the peer knows what was
        }
        if (session != null) {
            if (state != State.CONNECTED) {
                logFailedHandshake("the server sent a message instead of answering the session hello: it has "
                        + ":session off or is net.async 0.1.1; turn it on at both ends");
                channel.close();
                return;
            }
            session.countReceived();
        }
        inbox.stage(payload);
    }

    private void controlOnLoop(ControlFrame frame) {
        if (frame instanceof Ack ack && state == State.CONNECTED) {
            ackedOnLoop(ack.delivered());
        } else if (frame instanceof Welcome welcome && state == State.HANDSHAKING && dialer != null) {
            welcomedOnLoop(welcome);
        } else if (frame instanceof Bye bye && state == State.CONNECTED) {
            byeReceivedOnLoop(bye);
        } else if (frame instanceof Refused refused && !refused.isFatal() && state == State.HANDSHAKING) {
            sessionLostOnLoop();
        } else if (frame instanceof Refused refused) {
            if (dialFailureLog.allow()) {
                log.warn("{} session refused: {}", this, refused.explanation());
            } else {
                log.debug("{} session refused again: {}", this, refused.explanation());
            }
            channel.close();
        } else if (!(frame instanceof Ack || frame instanceof Bye) || state != State.CLOSING) {
            protocolErrorOnLoop("unexpected " + frame + " while " + state);
        }
    }

    private void ackedOnLoop(long delivered) {
        if (!session.outbound().ackTo(delivered)) {
            protocolErrorOnLoop("ACK of position " + delivered + ", beyond the " + session.outbound().sent()
                    + " messages sent");
            return;
        }
        outbox.pump(); // the buffer may have room again
        byeIfDoneOnLoop();
    }

    /** The peer ended the session; whatever of ours it did not take goes on a new one, if we go on. */
    private void byeReceivedOnLoop(Bye bye) {
        if (!isPossiblePosition(bye.received())) {
            protocolErrorOnLoop("BYE at position " + bye.received() + ", outside "
                    + session.outbound().acked() + ".." + session.outbound().sent());
            return;
        }
        session.outbound().ackTo(bye.received());
        log.debug("{} ended by the peer", this);
        if (dialer == null || (closeRequested && session.outbound().isEmpty())) {
            state = State.CLOSING; // the link's end is the connection's end
        } else {
            session.restart();
        }
        channel.close();
    }

    private void protocolErrorOnLoop(String what) {
        log.warn("{} session protocol error, dropping the link: {}", this, what);
        channel.close();
    }

    // ---- session mode: acks ----

    private void deliveredOnLoop(Object value) {
        if (!(value instanceof byte[] payload)) {
            return;
        }
        if (session.delivered(payload)) {
            sendAckOnLoop();
        } else if (!ackArmed && session.ackPending()) {
            ackArmed = true;
            loop.schedule(() -> {
                ackArmed = false;
                if (session.ackPending()) {
                    sendAckOnLoop();
                }
            }, Session.ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void sendAckOnLoop() {
        // without a link the ack is not needed: the next HELLO or WELCOME carries the position
        if (channel != null && state == State.CONNECTED) {
            channel.writeAndFlush(session.ack().encode(channel.alloc()), channel.voidPromise());
        }
    }

    @Override
    public void beforeFlush(Channel ch) {
        if (session != null && state == State.CONNECTED && session.ackPending()) {
            ch.write(session.ack().encode(ch.alloc()), ch.voidPromise()); // rides on the data's flush
        }
    }

    // ---- session mode: ending ----

    /** Server: detached for session-expiry, the client is not coming back. */
    private void expireOnLoop() {
        log.debug("{} expired: no link for {} ms", this, session.settings().expiryMillis());
        finishOnLoop();
    }

    /** Server: the acceptor's table ends this detached session, the oldest over its bounds, or the acceptor stopped. */
    void endDetachedOnLoop() {
        finishOnLoop();
    }

    /**
     * write-chan closed: the session ends once the peer has acknowledged every message, with a
     * BYE; it waits for that across links for at most session-expiry.
     */
    private void closeSessionOnLoop() {
        closeRequested = true;
        if (!session.isWelcomed() && session.outbound().isEmpty() && state != State.CONNECTED) {
            finishOnLoop(); // no session to end, nothing to deliver
            return;
        }
        closeDeadline = loop.schedule(() -> {
            log.warn("{} closing without the peer's acknowledgement of {} message(s) after session-expiry ({} ms): "
                    + "they may be lost", this, session.outbound().size(), session.settings().expiryMillis());
            if (channel != null) {
                channel.close();
            }
            finishOnLoop();
        }, session.settings().expiryMillis(), TimeUnit.MILLISECONDS);
        byeIfDoneOnLoop();
    }

    private void byeIfDoneOnLoop() {
        if (!closeRequested || state != State.CONNECTED || !session.outbound().isEmpty()) {
            return;
        }
        state = State.CLOSING;
        Channel ch = channel;
        ch.writeAndFlush(new Bye(session.received()).encode(ch.alloc()))
                .addListener(written -> closeGracefullyOnLoop(ch));
    }

    @Override
    public String toString() {
        String what = session == null ? name : name + " " + session;
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
            if (msg instanceof byte[] payload) {
                payloadOnLoop(payload);
            } else {
                controlOnLoop((ControlFrame) msg);
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
            if (cause instanceof SessionMismatchException mismatch && mismatch.peerAskedForSession()) {
                ServerHandshake.refuse(ctx.channel(), Refused.SESSION_OFF); // so the peer can say why
            } else {
                ctx.close();
            }
        }
    }
}
