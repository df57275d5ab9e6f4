/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import net.async.tcp.Stats;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.stats.LinkEnd;
import net.async.tcp.impl.wire.FrameEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns idle events into heartbeats and stuck-connection drops, after the link's {@link IdleTimers}
 * set to writer-idle = heartbeat-period and reader-idle = heartbeat-timeout.
 *
 * <pre>
 * WRITER_IDLE → write a 0-length frame (skipped while the socket is full: the peer is reading nothing,
 *               and after our FIN: the connection is closing)
 * READER_IDLE → no byte for heartbeat-timeout: the link is stuck, close the channel
 * </pre>
 *
 * Silence while we ourselves paused reading (auto-read off because the user is not taking) is
 * not the peer's fault: such a READER_IDLE is ignored, and so is the first one after reading
 * resumes, which may still count time from the pause.
 *
 * <h2>Threading</h2>
 * One instance per channel, on its event loop.
 */
final class HeartbeatHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatHandler.class);

    private boolean pausedSinceLastCheck;
    private Counters counters = new Counters(); // replaced by the connection's once it has the link

    void countInto(Counters counters) {
        this.counters = counters;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof IdleStateEvent idle)) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        if (idle.state() == IdleState.WRITER_IDLE) {
            if (ctx.channel().isWritable() && !isOutputShutdown(ctx)) {
                ctx.writeAndFlush(FrameEncoder.HEARTBEAT, ctx.voidPromise());
                counters.heartbeatOut();
            }
        } else if (idle.state() == IdleState.READER_IDLE) {
            onReaderIdle(ctx);
        }
    }

    private static boolean isOutputShutdown(ChannelHandlerContext ctx) {
        return ctx.channel() instanceof DuplexChannel duplex && duplex.isOutputShutdown();
    }

    private void onReaderIdle(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            pausedSinceLastCheck = true;
            return;
        }
        if (pausedSinceLastCheck) {
            pausedSinceLastCheck = false;
            return;
        }
        log.debug("{} nothing read for heartbeat-timeout: connection is stuck, dropping it", ctx.channel());
        LinkEnd.note(ctx.channel(), Stats.Cause.HEARTBEAT_TIMEOUT);
        ctx.close();
    }
}
