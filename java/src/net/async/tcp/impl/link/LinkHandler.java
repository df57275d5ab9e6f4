/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import net.async.tcp.impl.chan.Inbox;
import net.async.tcp.impl.chan.Outbox;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.stats.LinkEnd;
import net.async.tcp.impl.wire.ControlFrame.Refused;
import net.async.tcp.impl.wire.ControlFrame;
import net.async.tcp.impl.wire.SessionMismatchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of one link's pipeline: what the link reads goes to read-chan through the
 * {@link Inbox}, control frames to the {@link LinkMode}, writability to the {@link Outbox}, and
 * the link's life (up, TLS done, down, failed) to the {@link Connection}. A link the connection
 * no longer holds (taken over by a newer one) is heard out but not listened to.
 *
 * <h2>Threading</h2>
 * One instance per link, on the connection's event loop; stateless beyond its collaborators.
 */
final class LinkHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Connection.class); // the connection's lines

    private final Connection connection;
    private final LinkMode mode;
    private final Inbox inbox;
    private final Outbox outbox;
    private final Counters counters;

    LinkHandler(Connection connection, LinkMode mode, Inbox inbox, Outbox outbox, Counters counters) {
        this.connection = connection;
        this.mode = mode;
        this.inbox = inbox;
        this.outbox = outbox;
        this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection.linkActiveOnLoop(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent handshake) || ctx.channel() != connection.link()) {
            ctx.fireUserEventTriggered(evt);
        } else if (handshake.isSuccess()) {
            mode.linkReadyOnLoop();
        } else {
            // a client retrying against the same bad certificate says so once per loss, not per attempt
            if (!connection.hasAnnouncedLoss()) {
                log.warn("{} TLS handshake failed: {}", connection, Failures.reason(handshake.cause()));
            } else {
                log.debug("{} TLS handshake failed again: {}", connection, Failures.reason(handshake.cause()));
            }
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel() != connection.link()) {
            return; // a link taken over, decoding what it still held as it closed
        }
        if (!(msg instanceof byte[] payload)) {
            mode.controlOnLoop((ControlFrame) msg);
            return;
        }
        counters.messageIn(payload.length);
        if (!connection.isClosing() && mode.payloadOnLoop()) {
            inbox.stage(payload); // not after our FIN or our BYE: the peer knows what was taken
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (ctx.channel() == connection.link()) {
            inbox.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.linkDownOnLoop(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && ctx.channel() == connection.link()) {
            outbox.pump();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Failures.log(log, connection, cause);
        LinkEnd.note(ctx.channel(), Failures.cause(cause));
        if (cause instanceof SessionMismatchException mismatch && mismatch.peerAskedForSession()) {
            Refused.closeWith(ctx.channel(), Refused.SESSION_OFF); // so the peer can say why
        } else {
            ctx.close();
        }
    }
}
