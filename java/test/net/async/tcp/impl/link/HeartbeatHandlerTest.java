/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.wire.FrameEncoder;
import org.junit.jupiter.api.Test;

/**
 * {@link HeartbeatHandler} fed idle events directly, then the whole {@link Pipeline} with
 * EmbeddedChannel's frozen clock: heartbeats and stuck detection without waiting.
 */
class HeartbeatHandlerTest {
    private static final Settings FAST = new Settings(50, 200, 1024, null);

    @Test
    void writerIdleWritesAHeartbeatOfFourZeroBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE, new HeartbeatHandler());
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
        assertArrayEquals(new byte[4], readOutbound(ch));
        assertArrayEquals(new byte[4], readOutbound(ch));
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void readerIdleClosesTheChannel() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE, new HeartbeatHandler());
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void readerIdleWhileAutoReadIsOffIsIgnoredAndSoIsTheFirstAfterResuming() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE, new HeartbeatHandler());
        ch.config().setAutoRead(false);
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertTrue(ch.isOpen(), "we paused reading: the silence is ours");
        ch.config().setAutoRead(true);
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertTrue(ch.isOpen(), "the first check after resuming may still count time from the pause");
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void otherUserEventsPassThrough() {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatHandler(), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                seen.add(evt);
            }
        });
        ch.pipeline().fireUserEventTriggered("custom");
        assertEquals(List.of("custom"), seen);
        ch.finishAndReleaseAll();
    }

    @Test
    void pipelineNamesItsHandlers() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Pipeline.install(ch.pipeline(), FAST, null, new ChannelInboundHandlerAdapter(), new Counters());
        for (String name : List.of("idle", "frame-decoder", "frame-encoder", "heartbeat", "connection")) {
            assertTrue(ch.pipeline().get(name) != null, name);
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void pipelineSendsAHeartbeatAfterHeartbeatPeriodWithoutWrites() {
        EmbeddedChannel ch = frozenPipeline();
        ch.advanceTimeBy(49, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(ch.readOutbound());
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertArrayEquals(new byte[4], readOutbound(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void pipelineClosesALinkSilentForHeartbeatTimeout() {
        EmbeddedChannel ch = frozenPipeline();
        advance(ch, 150);
        assertTrue(ch.isOpen());
        advance(ch, 50);
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void pipelineKeepsALinkThatHearsHeartbeats() {
        EmbeddedChannel ch = frozenPipeline();
        for (int i = 0; i < 10; i++) {
            advance(ch, 150);
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[4])); // the peer's heartbeat
            assertTrue(ch.isOpen(), "after " + (i + 1) * 150 + " ms");
        }
        assertNull(ch.readInbound(), "heartbeats are not delivered");
        ch.finishAndReleaseAll();
    }

    private static EmbeddedChannel frozenPipeline() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        Pipeline.install(ch.pipeline(), FAST, null, new ChannelInboundHandlerAdapter(), new Counters());
        return ch;
    }

    /** Advances the frozen clock in 10 ms steps, running what falls due, and drops what was written. */
    private static void advance(EmbeddedChannel ch, long millis) {
        for (long done = 0; done < millis; done += 10) {
            ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        for (Object out = ch.readOutbound(); out != null; out = ch.readOutbound()) {
            ((ByteBuf) out).release();
        }
    }

    private static byte[] readOutbound(EmbeddedChannel ch) {
        ByteBuf buf = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
