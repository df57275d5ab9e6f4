/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.async.tcp.impl.link.Failures;
import net.async.tcp.impl.link.LinkMove;
import net.async.tcp.impl.link.Tls;
import net.async.tcp.impl.session.ServerSession;
import net.async.tcp.impl.wire.ControlFrame.Bye;
import net.async.tcp.impl.wire.ControlFrame.Hello;
import net.async.tcp.impl.wire.ControlFrame.Refused;
import net.async.tcp.impl.wire.ControlFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an accepted link in session mode, until its HELLO arrives: then it finds
 * in the {@link SessionTable} the session the HELLO resumes, or opens one, and that session's
 * handler takes this one's place. A session lives on one thread of the loop for its whole life: a
 * link that resumes it, accepted on another, is moved there first ({@link LinkMove}).
 *
 * <pre>
 *   HELLO                       → a session it holds: attach (on the session's thread)
 *                                 a new one: open it, attach; too many wait for accept-chan: REFUSED(busy)
 *                                 ended by a goodbye the client missed: that BYE again, close
 *                                 one to resume it does not hold: REFUSED(unknown), wait for another HELLO
 *   a message                   → REFUSED(no hello), close: the client has :session off
 *   heartbeats only, for twice  → the same: an idle client with :session off
 *   heartbeat-timeout
 *   nothing for heartbeat-timeout → close: a stuck link, like any other
 * </pre>
 *
 * A REFUSED frame is what this library's plain decoder turns into a clear log line; the
 * original library, which reads it as a negative length, drops the link. Nothing of a refused
 * link ever reaches a user.
 *
 * The handshake ends once, when this handler gives way or the link closes, whichever comes
 * first; the acceptor counts the links in handshake by it.
 *
 * <h2>Threading</h2>
 * One instance per link, on its event loop (which changes when the link moves to its session's
 * thread); {@link #end} may come from the close future on either thread, hence atomic.
 */
final class ServerHandshake extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ServerHandshake.class);

    private final SessionTable sessions;
    private final LinkMove move;
    private final long timeoutMillis;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private ScheduledFuture<?> timeout;

    /**
     * @param move          how a link reaches its session's thread
     * @param timeoutMillis heartbeat-timeout: a link that sends only heartbeats for twice as long is refused
     * @param onEnd         called once when the handshake is over, whatever its outcome
     */
    ServerHandshake(SessionTable sessions, LinkMove move, long timeoutMillis, Runnable onEnd) {
        this.sessions = sessions;
        this.move = move;
        this.timeoutMillis = timeoutMillis;
        this.onEnd = onEnd;
    }

    /** The handshake is over: the link carries a session now, or it closed. Idempotent; any thread. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
        end();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(SslHandler.class) == null) {
            waitForHello(ctx);
        }
        ctx.fireChannelActive();
    }

    /**
     * A session client sends its HELLO as soon as its link is ready (TCP up, and TLS if any). A
     * link silent for heartbeat-timeout is stuck, and the idle handler says so first; one that
     * only sent heartbeats for twice as long is a client with {@code :session} off.
     */
    private void waitForHello(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            log.warn("[session acceptor] {} sent heartbeats but no session hello for {} ms: the client has "
                    + ":session off or is net.async 0.1.1; turn it on at both ends", ctx.channel().remoteAddress(),
                    2 * timeoutMillis);
            Refused.closeWith(ctx.channel(), Refused.NO_HELLO);
        }, 2 * timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        cancel();
        if (msg instanceof Hello hello) {
            if (!helloOnLoop(ctx.channel(), hello) && ctx.channel().isOpen()) {
                waitForHello(ctx); // a session it does not hold: the client may open one on this link
            }
        } else if (msg instanceof byte[]) {
            log.warn("[session acceptor] {} sent a message without opening a session: the client has :session off "
                    + "or is net.async 0.1.1; turn it on at both ends", ctx.channel().remoteAddress());
            Refused.closeWith(ctx.channel(), Refused.NO_HELLO);
        } else {
            log.warn("[session acceptor] {} sent {} before its HELLO: dropping the link", ctx.channel().remoteAddress(),
                    msg);
            ctx.close();
        }
    }

    /**
     * Attaches the link to the session {@code hello} names, opening it if the HELLO asks to.
     *
     * @return true once the link carries the session, or is on its way to the session's thread;
     *         false when it was refused, and then, unless the refusal closes it, the link waits
     *         for another HELLO
     */
    private boolean helloOnLoop(Channel ch, Hello hello) {
        assert ch.eventLoop().inEventLoop();
        if (hello.version() != ControlFrame.VERSION) {
            log.warn("[session acceptor] {} speaks session protocol version {}, this end {}: refused",
                    ch.remoteAddress(), hello.version(), ControlFrame.VERSION);
            Refused.closeWith(ch, Refused.VERSION);
            return false;
        }
        SessionTable.Lookup found = sessions.lookup(hello.id(), !hello.resume(), Tls.peerPrincipal(ch), ch.eventLoop());
        switch (found.outcome()) {
            case OPENED:
                return found.session().attachOnLoop(ch, this, 0, hello.window(), false);
            case FOUND:
                return resumeOnLoop(ch, found.session(), hello);
            case ENDED_BY_GOODBYE:
                // the client missed our BYE (or we missed its answer): say it again, with what was taken
                log.debug("[session acceptor] {} names session {}, ended by a goodbye it did not get: saying it "
                        + "again", ch.remoteAddress(), hello.id());
                ch.writeAndFlush(new Bye(found.goodbyeAt()).encode(ch.alloc())).addListener(ChannelFutureListener.CLOSE);
                return false;
            case BUSY:
                Refused.closeWith(ch, Refused.BUSY); // the client retries with its backoff
                return false;
            case OTHER_CLIENT:
                log.warn("[session acceptor] {} names session {} with another client certificate: refused",
                        ch.remoteAddress(), hello.id());
                break;
            case UNKNOWN:
                if (hello.resume()) {
                    log.info("[session acceptor] {} asks to resume session {}, which this server does not hold "
                            + "(expired, evicted, or from before a restart): refused, it may open a new one",
                            ch.remoteAddress(), hello.id());
                }
                break;
        }
        ch.writeAndFlush(new Refused(Refused.UNKNOWN_SESSION).encode(ch.alloc()));
        return false;
    }

    /** Attaches the link to a session it resumes, on the session's thread: moved there first if need be. */
    private boolean resumeOnLoop(Channel ch, ServerSession session, Hello hello) {
        if (session.loop().inEventLoop()) {
            return session.attachOnLoop(ch, this, hello.received(), hello.window(), true);
        }
        move.move(ch, session.loop(), arrived -> {
            if (session.isEndedOnLoop()) {
                arrived.close(); // its client will find the session gone when it resumes on a new link
            } else if (session.attachOnLoop(arrived, this, hello.received(), hello.window(), true)) {
                arrived.config().setAutoRead(true);
            }
        });
        return true;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                waitForHello(ctx);
            } else {
                log.warn("[session acceptor] {} TLS handshake failed: {}", ctx.channel().remoteAddress(),
                        Failures.reason(handshake.cause()));
                ctx.close();
            }
        } else if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            log.debug("[session acceptor] {} sent nothing for heartbeat-timeout: a stuck link, dropped",
                    ctx.channel().remoteAddress());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Failures.log(log, "[session acceptor " + ctx.channel().remoteAddress() + "]", cause);
        ctx.close();
    }
}
