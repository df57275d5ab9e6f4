/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import net.async.tcp.Stats;
import net.async.tcp.impl.chan.Inbox;
import net.async.tcp.impl.chan.Keywords;
import net.async.tcp.impl.chan.Retention;
import net.async.tcp.impl.link.Accepted;
import net.async.tcp.impl.link.Connection;
import net.async.tcp.impl.link.GracefulClose;
import net.async.tcp.impl.link.LinkMode;
import net.async.tcp.impl.link.PlainMode;
import net.async.tcp.impl.link.Settings;
import net.async.tcp.impl.loop.Reactor;
import net.async.tcp.impl.stats.LinkEnd;
import net.async.tcp.impl.wire.ControlFrame;
import net.async.tcp.impl.wire.ControlFrame.Ack;
import net.async.tcp.impl.wire.ControlFrame.Bye;
import net.async.tcp.impl.wire.ControlFrame.Refused;
import net.async.tcp.impl.wire.ControlFrame.Welcome;
import net.async.tcp.impl.wire.SessionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session mode's side of one {@link Connection}: the handshake that starts every link, the acks,
 * and the goodbye that ends a session; on a server, its {@link AcceptedSession} takes the links
 * HELLOs bring and waits while there is none. The connection keeps the link's life (dial, up,
 * down, close); this decides what the session frames mean.
 *
 * <pre>
 *  client link ready ──HELLO──▶  WELCOME ──▶ connection up, unacknowledged messages sent again
 *                                REFUSED(unknown session) ──▶ :session-lost, HELLO for a new one
 *  server HELLO ──▶ {@link AcceptedSession}: older link closed, WELCOME, connection up
 *  message delivered ──▶ ({@link Acks}) ACK now (a quarter of the peer's window), on the next flush, or in 10 ms
 *  write-chan closed ──▶ every message acknowledged ──▶ BYE, and the link's end is the session's
 *  server, BYE read ──▶ BYE back (what it took), then :closed; the session's id kept as ended
 * </pre>
 *
 * <p>A goodbye can be lost with its link. A client that said BYE waits for the server's BYE back;
 * without it, it resumes and says BYE again (within session-expiry of the close). A server keeps
 * the id of a session ended by a goodbye, with what it took, for session-expiry, and answers a
 * HELLO for it with that BYE again: a client whose link died before the server's BYE reached it
 * then learns exactly which of its messages were taken, as if it had, and never sees
 * {@code :session-lost}.
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop, like the connection itself.
 */
public final class SessionProtocol implements LinkMode {
    private static final Logger log = LoggerFactory.getLogger(SessionProtocol.class);

    private final Connection connection;
    private final EventLoop loop;
    private final Session session;
    private final Acks acks;
    private final AcceptedSession server; // the server's half, or null on a client
    private final long handshakeTimeoutMillis;
    private ScheduledFuture<?> handshakeTimeout; // client: no WELCOME yet
    private ScheduledFuture<?> closeDeadline; // write-chan closed, not everything acknowledged yet
    private boolean closeRequested;
    private String handshakeRefusal; // client: why the server ended this link's handshake, if it said
    private boolean handshakeAnswered; // client: the server answered this link's HELLO with the session's BYE
    private boolean byeSent;
    private boolean goodbyeConfirmed; // client: the server's BYE answered ours
    private boolean endedByGoodbye; // server: a BYE went or came, so a resume is answered with one

    private SessionProtocol(Connection connection, SessionId id, SessionRegistry sessions, Settings settings) {
        this.connection = connection;
        this.loop = connection.loop();
        this.session = new Session(settings.session(), id);
        this.acks = new Acks(connection, session);
        this.server = sessions == null ? null : new AcceptedSession(connection, session, sessions);
        this.handshakeTimeoutMillis = settings.heartbeatTimeoutMillis();
    }

    /** {@return the mode a client's {@code settings} ask for: plain, or a new session} */
    public static Function<Connection, LinkMode> clientMode(Settings settings) {
        return settings.session() == null ? PlainMode::new
                : connection -> new SessionProtocol(connection, SessionId.random(), null, settings);
    }

    /**
     * {@return a server's new session named {@code id}, held by {@code sessions}}, on {@code loop}; links
     * reach it by {@link AcceptedSession#attachOnLoop}. See {@link Accepted#connection} for the rest.
     */
    public static AcceptedSession accept(Reactor reactor, EventLoop loop, Object readChan, Object writeChan,
                                         Settings settings, SessionId id, SessionRegistry sessions,
                                         Consumer<Connection> onReady, Consumer<Connection> onEnd) {
        Connection connection = Accepted.connection(reactor, loop, readChan, writeChan, settings,
                c -> new SessionProtocol(c, id, sessions, settings), onReady, onEnd, true);
        return ((SessionProtocol) connection.mode()).server; // made just now, by the line above
    }

    Session session() {
        return session;
    }

    @Override
    public Inbox newInbox(Object readChan, Executor loop, Inbox.Valve reading) {
        // the peer's window bounds what arrives, not auto-read; what read-chan took is acked
        return new Inbox(readChan, loop, open -> { }, dropped -> { }, acks::deliveredOnLoop);
    }

    @Override
    public Retention retention() {
        return session.outbound();
    }

    @Override
    public void linkReadyOnLoop() {
        assert loop.inEventLoop();
        helloOnLoop();
    }

    @Override
    public void linkUpOnLoop() {
        assert loop.inEventLoop();
        byeIfDoneOnLoop();
    }

    // ---- a link starts ----

    /** Client: the first frame on a new link resumes the session, or opens one. */
    void helloOnLoop() {
        assert loop.inEventLoop();
        connection.handshakingOnLoop();
        handshakeAnswered = false;
        Channel ch = connection.link();
        ch.writeAndFlush(session.hello().encode(ch.alloc()), ch.voidPromise());
        cancel(handshakeTimeout);
        handshakeTimeout = loop.schedule(() -> {
            if (ch == connection.link() && connection.isHandshaking()) {
                connection.attempts().handshakeFailed("no answer to the session hello within heartbeat-timeout");
                ch.close();
            }
        }, handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Client: the server's answer; it holds the session, new or not, and says where to resume. */
    private void welcomedOnLoop(Welcome welcome) {
        assert loop.inEventLoop();
        cancel(handshakeTimeout);
        if (!welcome.id().equals(session.id())) {
            protocolErrorOnLoop("WELCOME for session " + welcome.id() + ", not ours");
            return;
        }
        if (!session.isPossiblePosition(welcome.received())) {
            protocolErrorOnLoop("WELCOME resumes at position " + welcome.received() + ", outside "
                    + session.outbound().acked() + ".." + session.outbound().sent());
            return;
        }
        session.outbound().ackTo(welcome.received());
        if (session.isWelcomed()) {
            connection.counters().sessionResumed();
        }
        session.welcomed(welcome.window());
        connection.linkUpOnLoop();
    }

    /**
     * Client: the server does not hold the session any more. A new one starts on the same link,
     * carrying again what the old one had not seen acknowledged: where a message may arrive twice.
     */
    private void sessionLostOnLoop() {
        assert loop.inEventLoop();
        SessionId lost = session.id();
        connection.counters().sessionLost();
        session.restart();
        log.warn("{} session {} could not be resumed (the server restarted, or it expired): {} unacknowledged "
                + "message(s) sent again on the new session, where the server may see them a second time",
                connection, lost, session.outbound().size());
        connection.deliverOnLoop(Keywords.SESSION_LOST);
        helloOnLoop();
    }

    // ---- frames on a link ----

    /** A message from the peer: counted, unless it came where a WELCOME was due (the peer has sessions off). */
    @Override
    public boolean payloadOnLoop() {
        assert loop.inEventLoop();
        if (!connection.isUp()) {
            connection.attempts().handshakeFailed("the server sent a message instead of answering the session hello: it has "
                    + ":session off or is net.async 0.1.1; turn it on at both ends");
            connection.link().close();
            return false;
        }
        session.countReceived();
        return true;
    }

    @Override
    public void controlOnLoop(ControlFrame frame) {
        assert loop.inEventLoop();
        if (frame instanceof Ack ack && connection.isUp()) {
            ackedOnLoop(ack.delivered());
        } else if (frame instanceof Welcome welcome && connection.isHandshaking()) {
            welcomedOnLoop(welcome);
        } else if (frame instanceof Bye bye && connection.isUp()) {
            byeReceivedOnLoop(bye);
        } else if (frame instanceof Bye bye && connection.isHandshaking() && server == null) {
            lostGoodbyeOnLoop(bye);
        } else if (frame instanceof Bye && connection.isClosing() && byeSent && server == null) {
            goodbyeConfirmed = true; // the server's answer to ours: both ends are done
            connection.link().close();
        } else if (frame instanceof Refused refused && !refused.isFatal() && connection.isHandshaking()
                && closeRequested && session.outbound().isEmpty()) {
            // the server no longer holds the session (it took our BYE, then expired it, or restarted):
            // everything was acknowledged, so the close is done
            goodbyeConfirmed = true;
            connection.closingOnLoop();
            connection.link().close();
        } else if (frame instanceof Refused refused && !refused.isFatal() && connection.isHandshaking()) {
            sessionLostOnLoop();
        } else if (frame instanceof Refused refused && refused.reason() == Refused.BUSY) {
            handshakeRefusal = refused.explanation(); // load, not a mistake: a failed attempt like any other
            connection.link().close();
        } else if (frame instanceof Refused refused) {
            connection.attempts().refused(refused.explanation());
            connection.link().close();
        } else if (!(frame instanceof Ack || frame instanceof Bye) || !connection.isClosing()) {
            protocolErrorOnLoop("unexpected " + frame);
        }
    }

    private void ackedOnLoop(long delivered) {
        assert loop.inEventLoop();
        if (!session.outbound().ackTo(delivered)) {
            protocolErrorOnLoop("ACK of position " + delivered + ", beyond the " + session.outbound().sent()
                    + " messages sent");
            return;
        }
        connection.pumpOnLoop(); // the buffer may have room again
        byeIfDoneOnLoop();
    }

    /** The peer ended the session; whatever of ours it did not take goes on a new one, if we go on. */
    private void byeReceivedOnLoop(Bye bye) {
        assert loop.inEventLoop();
        if (!session.isPossiblePosition(bye.received())) {
            protocolErrorOnLoop("BYE at position " + bye.received() + ", outside "
                    + session.outbound().acked() + ".." + session.outbound().sent());
            return;
        }
        session.outbound().ackTo(bye.received());
        log.debug("{} ended by the peer", connection);
        Channel ch = connection.link();
        if (server != null) {
            endedByGoodbye = true;
            connection.closingOnLoop(); // the link's end is the connection's end
            // the client waits for this answer: without it, it would resume to say goodbye again
            ch.writeAndFlush(new Bye(session.received()).encode(ch.alloc())).addListener(written -> ch.close());
            return;
        }
        if (closeRequested && session.outbound().isEmpty()) {
            connection.closingOnLoop();
        } else {
            session.restart();
        }
        ch.close();
    }

    /**
     * Client: the HELLO was answered with a BYE: the server had ended the session and this end
     * lost its goodbye with a link. It says what the server took; the rest goes on a new session.
     */
    private void lostGoodbyeOnLoop(Bye bye) {
        assert loop.inEventLoop();
        cancel(handshakeTimeout);
        handshakeAnswered = true;
        log.debug("{} the server had ended it; its goodbye was lost with a link", connection);
        if (closeRequested && session.outbound().isEmpty()) {
            goodbyeConfirmed = true;
        }
        byeReceivedOnLoop(bye);
    }

    private void protocolErrorOnLoop(String what) {
        assert loop.inEventLoop();
        log.warn("{} session protocol error, dropping the link: {}", connection, what);
        LinkEnd.note(connection.link(), Stats.Cause.BAD_FRAME);
        connection.link().close();
    }

    /** Data is about to be flushed: a pending ack rides along. */
    @Override
    public void beforeFlushOnLoop(Channel ch) {
        assert loop.inEventLoop();
        acks.beforeFlushOnLoop(ch);
    }

    // ---- a link ends, a session ends ----

    /** The link went down; a handshake that did not finish is a failed attempt. */
    @Override
    public void linkDownOnLoop(boolean handshaking) {
        assert loop.inEventLoop();
        if (handshaking && !handshakeAnswered) {
            cancel(handshakeTimeout);
            connection.attempts().handshakeFailed(handshakeRefusal != null ? handshakeRefusal
                    : "the link was lost during the session handshake; if this goes on, the server has :session "
                    + "off or is net.async 0.1.1");
        }
        handshakeRefusal = null;
    }

    /** The link is gone and the connection goes on: a server's session waits for its client; a client redials. */
    @Override
    public void detachedOnLoop() {
        assert loop.inEventLoop();
        if (server != null) {
            server.detachedOnLoop();
        }
    }

    /**
     * write-chan closed: the session ends once the peer has acknowledged every message, with a
     * BYE; it waits for that across links for at most session-expiry.
     */
    @Override
    public void writeChanClosedOnLoop() {
        assert loop.inEventLoop();
        closeRequested = true;
        if (!session.isWelcomed() && session.outbound().isEmpty() && !connection.isUp()) {
            connection.finishOnLoop(); // no session to end, nothing to deliver
            return;
        }
        closeDeadline = loop.schedule(() -> {
            log.warn("{} closing without the peer's acknowledgement of {} message(s) after session-expiry ({} ms): "
                    + "they may be lost", connection, session.outbound().size(), session.settings().expiryMillis());
            Channel ch = connection.link();
            if (ch != null) {
                ch.close();
            }
            connection.finishOnLoop();
        }, session.settings().expiryMillis(), TimeUnit.MILLISECONDS);
        byeIfDoneOnLoop();
    }

    /** After a close, once the link is up and every message acknowledged: goodbye. */
    void byeIfDoneOnLoop() {
        assert loop.inEventLoop();
        if (closeRequested && connection.isUp() && session.outbound().isEmpty()) {
            Channel ch = connection.link();
            byeSent = true;
            endedByGoodbye = server != null;
            connection.closingOnLoop();
            GracefulClose.after(ch, new Bye(session.received()).encode(ch.alloc()));
        }
    }

    /** The connection has ended: no timer of the session's may fire, and the table forgets it. */
    @Override
    public void finishedOnLoop() {
        assert loop.inEventLoop();
        cancel(handshakeTimeout);
        cancel(closeDeadline);
        if (server != null) {
            server.endedOnLoop(endedByGoodbye ? session.received() : -1);
        }
    }

    /**
     * Client: the link ended after our BYE, but the server's BYE never answered it: the goodbye
     * may be lost, so the connection resumes to say it again rather than end.
     */
    @Override
    public boolean awaitsGoodbyeOnLoop() {
        assert loop.inEventLoop();
        return server == null && byeSent && !goodbyeConfirmed;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
