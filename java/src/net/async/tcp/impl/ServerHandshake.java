/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

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
import net.async.tcp.impl.ControlFrame.Hello;
import net.async.tcp.impl.ControlFrame.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an accepted link in session mode, until its HELLO arrives: then the
 * {@link SessionTable} finds the session it resumes, or opens one, and that connection's handler
 * takes this one's place.
 *
 * <pre>
 *   HELLO                       → SessionTable: attach to the session it names, or refuse
 *                                 (an unknown session to resume: the link waits for another HELLO)
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
    private final long timeoutMillis;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private ScheduledFuture<?> timeout;

    /**
     * @param timeoutMillis heartbeat-timeout: a link that sends only heartbeats for twice as long is refused
     * @param onEnd         called once when the handshake is over, whatever its outcome
     */
    ServerHandshake(SessionTable sessions, long timeoutMillis, Runnable onEnd) {
        this.sessions = sessions;
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

    /** Tells the peer why, then closes the link. */
    static void refuse(Channel ch, int reason) {
        ch.writeAndFlush(new Refused(reason).encode(ch.alloc())).addListener(ChannelFutureListener.CLOSE);
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
            refuse(ctx.channel(), Refused.NO_HELLO);
        }, 2 * timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        cancel();
        if (msg instanceof Hello hello) {
            if (!sessions.helloOnLoop(ctx.channel(), this, hello) && ctx.channel().isOpen()) {
                waitForHello(ctx); // a session it does not hold: the client may open one on this link
            }
        } else if (msg instanceof byte[]) {
            log.warn("[session acceptor] {} sent a message without opening a session: the client has :session off "
                    + "or is net.async 0.1.1; turn it on at both ends", ctx.channel().remoteAddress());
            refuse(ctx.channel(), Refused.NO_HELLO);
        } else {
            log.warn("[session acceptor] {} sent {} before its HELLO: dropping the link", ctx.channel().remoteAddress(),
                    msg);
            ctx.close();
        }
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
