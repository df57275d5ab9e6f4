/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link IdleTimers} on an {@code EmbeddedChannel} with a frozen clock: the events fire when
 * Netty's {@code IdleStateHandler} fires them, and a write's promise passes through untouched.
 *
 * <h2>Threading</h2>
 * The test thread is the embedded channel's loop.
 */
class IdleTimersTest {
    private final List<IdleStateEvent> events = new ArrayList<>();
    private final List<ChannelPromise> promisesBelow = new ArrayList<>();

    @Test
    void writerIdleFiresAPeriodAfterTheLastFlushFirstThenAgainEachPeriod() {
        EmbeddedChannel ch = channel(1000, 50);
        advance(ch, 30);
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        advance(ch, 40);
        assertEquals(List.of(), events, "70 ms from the start but 40 ms from the flush");
        advance(ch, 10);
        assertEquals(List.of(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT), events);
        advance(ch, 50);
        assertEquals(List.of(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT, IdleStateEvent.WRITER_IDLE_STATE_EVENT),
                events);
        ch.finishAndReleaseAll();
    }

    @Test
    void readerIdleCountsFromTheLastCompleteReadAndAReadMakesTheNextOneFirstAgain() {
        EmbeddedChannel ch = channel(100, 10_000);
        advance(ch, 60);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        advance(ch, 90);
        assertEquals(List.of(), events, "150 ms from the start but 90 ms from the read");
        advance(ch, 10);
        advance(ch, 100);
        assertEquals(List.of(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT, IdleStateEvent.READER_IDLE_STATE_EVENT),
                events);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {2}));
        advance(ch, 100);
        assertEquals(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT, events.get(2));
        ch.finishAndReleaseAll();
    }

    @Test
    void aVoidPromisePassesThroughAsItCame() {
        EmbeddedChannel ch = channel(1000, 50);
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}), ch.voidPromise());
        assertEquals(1, promisesBelow.size());
        assertTrue(promisesBelow.get(0).isVoid(), "no promise made for the timer's sake");
        ch.finishAndReleaseAll();
    }

    @Test
    void removedItFiresNothingMore() {
        EmbeddedChannel ch = channel(100, 50);
        ch.pipeline().remove("idle");
        advance(ch, 300);
        assertEquals(List.of(), events);
        ch.finishAndReleaseAll();
    }

    /** An active channel: a recorder of promises, the timers, a recorder of idle events. */
    private EmbeddedChannel channel(long readerIdleMillis, long writerIdleMillis) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast("below", new ChannelDuplexHandler() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                promisesBelow.add(promise);
                ctx.write(msg, promise);
            }
        });
        ch.pipeline().addLast("idle", new IdleTimers(readerIdleMillis, writerIdleMillis));
        ch.pipeline().addLast("events", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add((IdleStateEvent) evt);
            }
        });
        return ch;
    }

    /** Advances the frozen clock in 10 ms steps, running what falls due, and drops what was written. */
    private static void advance(EmbeddedChannel ch, long millis) {
        for (long done = 0; done < millis; done += 10) {
            ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        ch.releaseOutbound();
        ch.releaseInbound();
    }
}
